import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('appointment_staff')
export class StaffMember {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;
}
