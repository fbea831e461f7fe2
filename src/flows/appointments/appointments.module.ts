import { Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appointmentsConfig } from './appointments.config.js';
import { DemoData } from '../../database/demo-data.js';
import { AppointmentsFlow } from './appointments.flow.js';
import { seedAppointments } from './appointments.demo-data.js';
import { AppointmentsService } from './appointments.service.js';
import { Booking } from './entities/booking.entity.js';
import { BookableService } from './entities/service.entity.js';
import { Slot } from './entities/slot.entity.js';
import { StaffMember } from './entities/staff.entity.js';

/** The appointment booking flow: `POST /flows/appointments`. */
@Module({
  imports: [TypeOrmModule.forFeature([BookableService, StaffMember, Slot, Booking]), ConfigModule.forFeature(appointmentsConfig)],
  providers: [AppointmentsFlow, AppointmentsService],
})
export class AppointmentsFlowModule implements OnModuleInit {
  constructor(private readonly demoData: DemoData) {}

  onModuleInit(): void {
    this.demoData.register('appointments', seedAppointments);
  }
}
