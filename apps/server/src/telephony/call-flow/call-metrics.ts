import { Metrics } from '../../metrics/metrics';
import { Transition } from '../runtime/session-runner';
import { FinderTransitionObserver } from './call-session';
import { CallEvent, CallState, Command } from './types';

/**
 * The finder's calls as Prometheus sees them, read off the machine's transitions (docs/call-flow.md,
 * "Records and metrics"): a call starts with FinderArrived and ends with its recordCallEnd; every
 * recordLeg counts a leg; the look-up's cap and a skipped number count a limit; the number typed
 * (lookUpCascade) starts the clock for the first leg ringing and for the connection.
 */
export class FinderCallMetrics implements FinderTransitionObserver {
  /** Per call in progress: when the number was typed, and whether a leg has rung since. */
  private readonly numberEntered = new Map<string, { at: number; rung: boolean }>();

  constructor(private readonly metrics: Metrics) {}

  transition({ callId, at, event, commands }: Transition<CallState, CallEvent, Command>): void {
    const entered = this.numberEntered.get(callId);
    if (event.type === 'FinderArrived') this.metrics.callsStarted.inc();
    if (event.type === 'CascadeLookedUp' && event.result.kind === 'throttled') {
      // The look-up names the cap it met; the machine reads only the kind.
      const { limit } = event.result as { limit?: string };
      if (limit) this.metrics.limitRefusals.inc({ limit });
    }
    if (event.type === 'LegRinging' && entered && !entered.rung) {
      // Only the first leg's ringing counts.
      entered.rung = true;
      this.metrics.firstLegDelay.observe((at - entered.at) / 1000);
    }
    for (const command of commands) {
      switch (command.type) {
        case 'lookUpCascade':
          this.numberEntered.set(callId, { at, rung: false });
          break;
        case 'recordLeg':
          this.metrics.legsEnded.inc({ result: command.result });
          if (command.result === 'not-allowed') this.metrics.limitRefusals.inc({ limit: 'destination' });
          if ((command.result === 'accepted' || command.result === 'connected') && this.numberEntered.has(callId)) {
            this.metrics.timeToConnection.observe((at - this.numberEntered.get(callId)!.at) / 1000);
          }
          break;
        case 'recordCallEnd':
          this.metrics.callsEnded.inc({ outcome: command.outcome });
          this.numberEntered.delete(callId);
          break;
        default:
          break;
      }
    }
  }
}
