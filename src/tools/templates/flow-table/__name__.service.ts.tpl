import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { __Entity__ } from './entities/__entity__.entity.js';

/**
 * The business logic of the __name__ flow. Queries take the request's EntityManager
 * (`@FlowTransaction()` in the flow class) so they commit with the request.
 */
@Injectable()
export class __Name__Service {
  /** Keeps who went through the flow, then greets them. */
  async greet(db: EntityManager, name: string, flowToken: string): Promise<string> {
    await db.getRepository(__Entity__).insert({ name, flowToken });
    return `Hello, ${name}!`;
  }
}
