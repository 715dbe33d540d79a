import { INestApplication } from '@nestjs/common';
import { OperatorsListener } from '../../apps/server/src/metrics/operators-listener';

/** http://127.0.0.1:<port> of an in-process app's operators' listener (/metrics, the API documentation). */
export function operatorsUrl(app: INestApplication): string {
  return app.get(OperatorsListener).url();
}
