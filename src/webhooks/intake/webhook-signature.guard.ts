import { Injectable, UnauthorizedException } from '@nestjs/common';
import { HubSignatureGuard } from '../../hub-signature/index.js';

/** Meta's webhook signature (same secrets and rotation window as the data endpoint); failures are 401. */
@Injectable()
export class WebhookSignatureGuard extends HubSignatureGuard {
  protected reject(): never {
    throw new UnauthorizedException('Missing or invalid X-Hub-Signature-256');
  }
}
