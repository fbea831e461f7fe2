import type { EntityManager } from 'typeorm';
import { CurrentSession, Flow, FlowData, FlowTransaction, typedFlow, type FlowResponse, type FlowSession } from '../../flows-core/index.js';
import { LookupDto } from './dto/lookup.dto.js';
import { ReserveDto } from './dto/reserve.dto.js';
import { ResultsDto } from './dto/results.dto.js';
import type { InventoryFlowTypes } from './inventory.flow-types.js';
import { InventoryService, SKU, type Availability } from './inventory.service.js';

/** What a reservation reports to the chat when the flow completes. */
interface ReservationCompleted {
  reservation_id: string;
  product_id: string;
  quantity: number;
  warehouse: string;
}

/** Replies and handlers typed by inventory.flow.json (npm run flow:types). */
const flow = typedFlow<InventoryFlowTypes, ReservationCompleted>();

const formatPrice = (price: number, currency: string) => `${price.toFixed(2)} ${currency}`;

/** The AVAILABILITY screen's data for a product. */
function availabilityData(product: Availability) {
  const withStock = product.stock.filter((level) => level.units > 0);
  const units = withStock.reduce((sum, level) => sum + level.units, 0);
  const warehouse = withStock.length === 0 ? 'None' : withStock.length === 1 ? withStock[0].warehouseName : 'All warehouses';
  return {
    product_id: product.sku,
    product_name: product.name,
    price: product.price,
    price_label: formatPrice(product.price, product.currency),
    units_available: units,
    warehouse,
    in_stock: units > 0,
    stock_summary:
      units === 0
        ? 'Out of stock at the moment.'
        : `${units} unit${units === 1 ? '' : 's'} available${withStock.length === 1 ? ` in ${warehouse}` : ` in ${withStock.length} warehouses`}`,
    warehouses: withStock.map((level) => ({ id: level.warehouseId, title: `${level.warehouseName} (${level.units})` })),
  };
}

/**
 * Inventory check: look a product up by id (or search by name), see its stock, reserve units.
 * Any flow token is accepted (the flow can be opened from Flow Builder previews and templates), with
 * `flow_action: navigate` (the phone shows INVENTORY) or `data_exchange` (INIT, answered here).
 */
@Flow('inventory', {
  tokens: 'any',
  flowJson: new URL('./inventory.flow.json', import.meta.url),
  meta: { categories: ['CUSTOMER_SUPPORT'] },
})
export class InventoryFlow {
  constructor(private readonly inventory: InventoryService) {}

  /**
   * INIT: the flow was sent with `flow_action: data_exchange` (no first screen in the message), so the
   * endpoint answers it: the INVENTORY screen, which declares no data.
   */
  @flow.init()
  open() {
    return flow.navigate('INVENTORY', {});
  }

  // Lookups only read (through the cache): they hold no lock and cost one statement for the session.
  @flow.screen('INVENTORY')
  async lookup(@FlowData() { product_id: input }: LookupDto) {
    const sku = input.toUpperCase();
    if (SKU.test(sku)) {
      const product = await this.inventory.availability(sku);
      if (product) return flow.navigate('AVAILABILITY', availabilityData(product));
    }
    const page = await this.searchPage(input, 0);
    if (page) return page;
    return flow.error(`We could not find a product "${input}". Check the id and try again.`);
  }

  @flow.screen('RESULTS')
  async results(@FlowData() data: ResultsDto) {
    if (data.product_id) {
      const product = await this.inventory.availability(data.product_id.toUpperCase());
      if (product) return flow.navigate('AVAILABILITY', availabilityData(product));
      return flow.error('That product is no longer available. Please choose another one.');
    }
    if (data.query) {
      const page = await this.searchPage(data.query, data.page ?? 0);
      if (page) return page;
    }
    return flow.error('Please choose a product.');
  }

  @flow.screen('AVAILABILITY')
  async reserve(@FlowData() data: ReserveDto, @CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    const sku = data.product_id.toUpperCase();
    // In the request's transaction: the reservation commits with the completion, once per token.
    const result = await this.inventory.reserve(db, sku, data.quantity, data.warehouse, session.token);
    if (result.ok) {
      return flow.complete({
        reservation_id: result.reservationId,
        product_id: sku,
        quantity: data.quantity,
        warehouse: result.warehouseId,
      });
    }
    const product = await this.inventory.availability(sku, db);
    if (!product) return flow.error('That product is no longer available.', { screen: 'INVENTORY' });
    const current = availabilityData(product);
    const message = current.in_stock
      ? `Only ${current.units_available} unit${current.units_available === 1 ? ' is' : 's are'} available${data.warehouse ? ' there' : ''}. Please reserve fewer.`
      : 'This product is out of stock now.';
    return flow.error(message, { screen: 'AVAILABILITY', data: current });
  }

  private async searchPage(query: string, page: number): Promise<FlowResponse | undefined> {
    const { items, offset, hasMore } = await this.inventory.search(query, page);
    if (items.length === 0) return undefined;
    const first = offset + 1;
    return flow.navigate('RESULTS', {
      query,
      summary: `Products ${first} to ${first + items.length - 1} whose name starts with "${query}"`,
      page,
      next_page: page + 1,
      has_more: hasMore,
      products: items.map((item) => ({ id: item.sku, title: item.name, description: formatPrice(item.price, item.currency) })),
    });
  }
}
