import { CurrentSession, Flow, FlowData, FlowTransaction, typedFlow, type FlowSession } from '../../flows-core/index.js';
import { FlowMedia, FlowMediaScope, type MediaScope } from '../../flow-media/index.js';
import type { EntityManager } from 'typeorm';
import { ChooseDto } from './dto/choose.dto.js';
import { PhotosDto, ReceiptDto } from './dto/files.dto.js';
import type { ReturnsFlowTypes } from './returns.flow-types.js';
import { InventoryReader } from '../inventory/index.js';
import { ReturnsService } from './returns.service.js';

/** Content types accepted, read from the files' bytes (what the pickers may send for each). */
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/heic', 'image/heif', 'image/webp'];
const RECEIPT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

const SKU = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

interface ReturnState {
  sku?: string;
  product_name?: string;
  reservation_id?: string;
  problem?: string;
  photo_ids?: string[];
}

/** What a return reports to the chat when the flow completes (the endpoint completes it). */
interface ReturnCompleted {
  return_id: string;
  product_id: string;
  photos: number;
  receipt: boolean;
}

/** Replies and handlers typed by returns.flow.json (npm run flow:types). */
const flow = typedFlow<ReturnsFlowTypes, ReturnCompleted>();

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * Returns: the user picks one of their reservations (or types a product id) and says what is wrong,
 * attaches 1 to 3 photos (kept during the request: a damaged or refused photo is refused on the
 * screen) and optionally a receipt (kept in the background, so the last screen answers at once).
 */
@Flow('returns', {
  tokens: 'any',
  flowJson: new URL('./returns.flow.json', import.meta.url),
  meta: { categories: ['CUSTOMER_SUPPORT'] },
})
export class ReturnsFlow {
  constructor(
    private readonly returns: ReturnsService,
    private readonly inventory: InventoryReader,
    private readonly media: FlowMedia,
  ) {}

  @flow.init()
  async start(@CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    const reservations = await this.inventory.reservationsOf(db, session);
    return flow.navigate('CHOOSE', {
      intro: reservations.length
        ? 'Choose the reservation you want to return, or type a product id.'
        : 'Type the id of the product you want to return.',
      has_reservations: reservations.length > 0,
      reservations: reservations.map((r) => ({
        id: r.id,
        title: r.productName,
        description: `${r.quantity} unit${r.quantity === 1 ? '' : 's'}, reserved ${day.format(r.createdAt)}`,
      })),
    });
  }

  @flow.screen('CHOOSE')
  async choose(@FlowData() data: ChooseDto, @CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    let choice: { sku: string; name: string; reservationId?: string } | undefined;
    if (data.reservation) {
      const reservation = (await this.inventory.reservationsOf(db, session)).find((r) => r.id === data.reservation);
      if (!reservation) return flow.error('We could not find that reservation. Please choose another one or type a product id.');
      choice = { sku: reservation.sku, name: reservation.productName, reservationId: reservation.id };
    } else if (data.product_id) {
      const sku = data.product_id.toUpperCase();
      const product = SKU.test(sku) ? await this.inventory.product(db, sku) : undefined;
      if (!product) return flow.error(`We could not find a product "${data.product_id}". Check the id and try again.`);
      choice = { sku: product.sku, name: product.name };
    } else {
      return flow.error('Please choose one of your reservations or type a product id.');
    }
    await session.set({
      sku: choice.sku,
      product_name: choice.name,
      reservation_id: choice.reservationId,
      problem: data.problem,
    } satisfies ReturnState);
    return flow.navigate('PHOTOS', { product_name: choice.name });
  }

  @flow.screen('PHOTOS')
  async photos(@FlowData() data: PhotosDto, @FlowMediaScope() scope: MediaScope, @CurrentSession() session: FlowSession) {
    if (!(session.state as ReturnState).sku) return flow.error('Please choose the product first.', { screen: 'CHOOSE' });
    const photos = await this.media.keep(scope, 'photos', data.photos, { allow: PHOTO_TYPES, min: 1, max: 3 });
    await session.set({ photo_ids: photos.map((photo) => photo.id) } satisfies ReturnState);
    return flow.navigate('RECEIPT', { photo_summary: `${photos.length} photo${photos.length === 1 ? '' : 's'} received.` });
  }

  @flow.screen('RECEIPT')
  async receipt(
    @FlowData() data: ReceiptDto,
    @FlowMediaScope() scope: MediaScope,
    @CurrentSession() session: FlowSession,
    @FlowTransaction() db: EntityManager,
  ) {
    const state = session.state as ReturnState;
    if (!state.sku || !state.problem || !state.photo_ids?.length) return flow.error('Please attach your photos first.', { screen: 'PHOTOS' });
    // The receipt is fetched in the background: recorded now, downloaded after the answer.
    const receipt = await this.media.keepLater(scope, 'receipt', data.receipt, { allow: RECEIPT_TYPES, max: 1 });
    const returnId = await this.returns.create(db, {
      flowToken: session.token,
      sku: state.sku,
      reservationId: state.reservation_id,
      problem: state.problem,
      photoIds: state.photo_ids,
      receiptIds: receipt.map((file) => file.id),
    });
    return flow.complete({ return_id: returnId, product_id: state.sku, photos: state.photo_ids.length, receipt: receipt.length > 0 });
  }
}
