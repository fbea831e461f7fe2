import { Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appointmentsConfig } from './appointments.config.js';
import { DatabaseModule, DemoData } from '../../database/index.js';
import { AppointmentsFlow } from './appointments.flow.js';
import { seedAppointments } from './appointments.demo-data.js';
import { AppointmentsService } from './appointments.service.js';
import { Booking } from './entities/booking.entity.js';
import { BookableService } from './entities/service.entity.js';
import { Slot } from './entities/slot.entity.js';
import { StaffMember } from './entities/staff.entity.js';
import { Appointments1795250100000 } from './migrations/1795250100000-Appointments.js';

/** The appointment booking flow: `POST /flows/appointments`. */
@Module({
  imports: [
    DatabaseModule.forFeature({ entities: [BookableService, StaffMember, Slot, Booking], migrations: [Appointments1795250100000] }),
    ConfigModule.forFeature(appointmentsConfig),
  ],
  providers: [AppointmentsFlow, AppointmentsService],
})
export class AppointmentsFlowModule implements OnModuleInit {
  constructor(private readonly demoData: DemoData) {}

  onModuleInit(): void {
    this.demoData.register('appointments', seedAppointments);
  }
}
