import { Metrics } from '../../metrics/metrics';
import { CardIngestService, IngestReport } from '../domain/card-ingest';
import { AuthorityRequest } from './authority-token.guard';
import { AuthorityCardsController } from './authority-cards.controller';

describe('AuthorityCardsController metrics', () => {
  it('given a batch, then its cards are counted by outcome: created, already present, rejected', async () => {
    const report: IngestReport = {
      received: 4,
      accepted: [{ index: 0, outcome: 'created' }, { index: 1, outcome: 'created' }, { index: 3, outcome: 'already-present' }],
      rejected: [{ index: 2, problems: [] }],
      blockedCascades: 0,
    };
    const metrics = new Metrics();
    const controller = new AuthorityCardsController({ ingest: async () => report } as unknown as CardIngestService, metrics);
    await expect(controller.postCards({ cards: [] }, { authority: { id: 'a' } } as unknown as AuthorityRequest)).resolves.toBe(report);
    const values = (await metrics.registry.getSingleMetric('alloparents_cards_ingested_total')!.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(Object.fromEntries(values)).toEqual({ created: 2, 'already-present': 1, rejected: 1 });
  });
});
