import { Injectable } from '@nestjs/common';

/**
 * The business logic of the __name__ flow. Inject the ReadThroughCache here; queries take the
 * request's EntityManager (`@FlowTransaction()` in the flow class) so they commit with the request.
 */
@Injectable()
export class __Name__Service {
  greet(name: string): string {
    return `Hello, ${name}!`;
  }
}
