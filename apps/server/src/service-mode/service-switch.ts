import { CHANGED_BY_PATTERN, ServiceMode, ServiceModeChange, ServiceModeError, ServiceModeListener, ServiceSwitchState, ServiceSwitchStore, isServiceMode } from './domain/service-mode';

/**
 * Setting and reading the service switch (the `npm run service` command, and a node carrying an
 * operator's Asterisk CLI change back). Each real change is announced once to the listeners, the
 * domain event "the service mode changed to X by Y" (no mail here: a listener sends it).
 */
export class ServiceSwitch {
  constructor(
    private readonly store: ServiceSwitchStore,
    private readonly listeners: readonly ServiceModeListener[] = [],
  ) {}

  status(): Promise<ServiceSwitchState> {
    return this.store.read();
  }

  async change(mode: string, changedBy: string): Promise<{ changed: boolean; change?: ServiceModeChange }> {
    if (!isServiceMode(mode)) throw new ServiceModeError(`the service mode is normal or suspended, not '${mode}'`);
    if (!CHANGED_BY_PATTERN.test(changedBy)) throw new ServiceModeError('the operator\'s name: 1 to 80 letters, digits, dots, dashes, underscores, colons or @');
    const done = await this.store.change(mode as ServiceMode, changedBy);
    if (!done) return { changed: false };
    const change: ServiceModeChange = { mode: mode as ServiceMode, before: done.before, changedBy };
    for (const listener of this.listeners) await listener(change);
    return { changed: true, change };
  }
}
