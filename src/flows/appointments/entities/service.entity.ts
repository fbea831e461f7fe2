import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('appointment_services')
export class BookableService {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes: number;
}
