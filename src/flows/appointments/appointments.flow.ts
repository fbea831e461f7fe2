import { Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { CurrentSession, Flow, FlowData, FlowTransaction, typedFlow, type FlowSession } from '../../flows-core/index.js';
import { appointmentsConfig } from './appointments.config.js';
import type { AppointmentsFlowTypes } from './appointments.flow-types.js';
import { AppointmentsService, type FreeSlot } from './appointments.service.js';
import { DateLabels } from './date-labels.js';
import { ChooseServiceDto } from './dto/choose-service.dto.js';
import { ChooseSlotDto } from './dto/choose-slot.dto.js';
import { ConfirmDto } from './dto/confirm.dto.js';

/** What a booking reports to the chat when the flow completes. */
interface BookingCompleted {
  appointment_id: string;
  status: 'confirmed';
  service: string;
  starts_at: string;
}

/** Replies and handlers typed by appointments.flow.json (npm run flow:types). */
const flow = typedFlow<AppointmentsFlowTypes, BookingCompleted>();

/** What the user chose so far; kept in the flow-token session, never trusted from the phone. */
interface BookingState {
  service_id?: string;
  date?: string;
  slot_id?: string;
  name?: string;
  email?: string;
}

const SLOT_TAKEN = 'Sorry, that time was just taken. Please choose another one.';

/**
 * Appointment booking: service and date → free times → name and email → confirmation → booked.
 * Only tokens Flowgate issued are accepted (the flow is sent to a known customer).
 */
@Flow('appointments', {
  tokens: 'issued',
  flowJson: new URL('./appointments.flow.json', import.meta.url),
  meta: { categories: ['APPOINTMENT_BOOKING'] },
})
export class AppointmentsFlow {
  private readonly dayLabels: DateLabels;
  private readonly timeLabels: DateLabels;
  private readonly whenFormat: Intl.DateTimeFormat;

  constructor(
    private readonly appointments: AppointmentsService,
    @Inject(appointmentsConfig.KEY) private readonly config: ConfigType<typeof appointmentsConfig>,
  ) {
    const timeZone = config.timeZone;
    this.dayLabels = new DateLabels(new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }));
    this.timeLabels = new DateLabels(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }));
    this.whenFormat = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  @flow.init()
  async start(@FlowTransaction() db: EntityManager) {
    const [services, days] = await Promise.all([this.appointments.services(db), this.appointments.availableDays(db)]);
    return flow.navigate('SERVICE', {
      services: services.map((service) => ({ id: service.id, title: service.name, description: `${service.durationMinutes} min` })),
      dates: days.map((day) => ({ id: day, title: this.dayLabel(day) })),
    });
  }

  @flow.screen('SERVICE')
  async chooseService(@FlowData() data: ChooseServiceDto, @CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    const slots = await this.appointments.freeSlots(db, data.service, data.date);
    if (slots.length === 0) return flow.error('There are no free times that day. Please pick another day.');
    await session.set({ service_id: data.service, date: data.date, slot_id: undefined } satisfies BookingState);
    return flow.navigate('SLOTS', this.slotsData(slots));
  }

  @flow.screen('SLOTS')
  async chooseSlot(@FlowData() data: ChooseSlotDto, @CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    const state = session.state as BookingState;
    const slot = await this.appointments.slot(db, data.slot);
    if (!slot || slot.serviceId !== state.service_id || slot.day !== state.date) {
      return flow.error('Please choose one of the times shown.');
    }
    await session.set({ slot_id: slot.id, name: data.name, email: data.email } satisfies BookingState);
    return flow.navigate('CONFIRM', {
      service_name: slot.serviceName,
      when: this.whenFormat.format(slot.startsAt),
      staff_name: slot.staffName,
      customer_name: data.name,
      customer_email: data.email,
    });
  }

  @flow.screen('CONFIRM')
  async confirm(@FlowData() _confirm: ConfirmDto, @CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    const state = session.state as BookingState;
    if (!state.slot_id || !state.name || !state.email || !state.service_id || !state.date) {
      return flow.error('Please choose a time first.', { screen: 'SERVICE' });
    }
    // In the request's transaction: the booking commits with the completion, once per token.
    const result = await this.appointments.book(db, state.slot_id, session.token, state.name, state.email);
    if (result.ok) {
      return flow.complete({
        appointment_id: result.bookingId,
        status: 'confirmed',
        service: result.slot.serviceName,
        starts_at: result.slot.startsAt.toISOString(),
      });
    }
    const slots = await this.appointments.freeSlots(db, state.service_id, state.date);
    return flow.error(slots.length ? SLOT_TAKEN : 'Sorry, that day is now fully booked. Please go back and pick another day.', {
      screen: 'SLOTS',
      data: this.slotsData(slots, state.date),
    });
  }

  private slotsData(slots: FreeSlot[], day = slots[0]?.day ?? '') {
    return {
      service_name: slots[0]?.serviceName ?? '',
      date_label: day ? this.dayLabel(day) : '',
      slots: slots.map((slot) => ({ id: slot.id, title: `${this.timeLabels.of(slot.startsAt)} with ${slot.staffName}` })),
    };
  }

  /** YYYY-MM-DD is already a calendar day in the configured zone: format it as such. */
  private dayLabel(day: string): string {
    return this.dayLabels.of(new Date(`${day}T12:00:00Z`));
  }
}
