import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('appointment_services')
@Check('appointment_services_duration_minutes_check', '"duration_minutes" > 0')
export class BookableService {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes: number;
}
