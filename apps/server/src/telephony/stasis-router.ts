import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { AriEvent, AriGateway } from './ari/ari-gateway';

interface StasisStart extends AriEvent {
  type: 'StasisStart';
  args: string[];
  channel: { id: string };
}

/** Routes ARI events to the call that owns them. */
@Injectable()
export class StasisRouter implements OnModuleInit {
  private readonly log = new Logger('StasisRouter');

  constructor(
    private readonly ari: AriGateway,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.ari.onEvent((event) => {
      if (event.type === 'StasisStart') void this.onStasisStart(event as StasisStart);
    });
    this.ari.connection.on('state', (state) => this.metrics.ariUp.set(state === 'up' ? 1 : 0));
  }

  private async onStasisStart(event: StasisStart): Promise<void> {
    const [role] = event.args;
    if (role !== 'finder') return;
    const callId = event.channel.id;
    this.metrics.callsStarted.inc();
    this.log.log({ callId }, 'finder call entered Stasis');
    const client = this.ari.client;
    if (!client) return;
    try {
      await client.channels.answer({ channelId: callId });
      await client.channels.hangup({ channelId: callId });
      this.log.log({ callId }, 'finder call answered and hung up');
    } catch (error) {
      this.log.warn({ callId, reason: (error as Error).message }, 'finder call could not be handled');
    }
  }
}
