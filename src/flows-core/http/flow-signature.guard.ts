import { Injectable } from '@nestjs/common';
import { FlowSignatureError } from '../flow-errors.js';
import { HubSignatureGuard } from '../signature/hub-signature.guard.js';

/** The data endpoint answers a bad signature with 432. */
@Injectable()
export class FlowSignatureGuard extends HubSignatureGuard {
  protected reject(): never {
    throw new FlowSignatureError();
  }
}
