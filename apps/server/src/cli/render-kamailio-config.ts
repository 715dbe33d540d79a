// Usage: node render-kamailio-config.js RUN_DIR [TEMPLATE_DIR]
// Renders kamailio-config/kamailio.cfg, dispatcher.list and node-health.cfg into RUN_DIR from
// KAMAILIO_BIND_ADDRESS, KAMAILIO_PORT, KAMAILIO_TRUNK_ADDRESSES and KAMAILIO_NODES; then: kamailio -DD -E -f RUN_DIR/kamailio.cfg
import { join } from 'node:path';
import { kamailioSettings, renderKamailioConfig } from '../telephony/kamailio-config/render-kamailio-config';
import { runCli } from './run-cli';

runCli(() => {
  const [runDir, templateDir = join(__dirname, '../../../../../kamailio-config')] = process.argv.slice(2);
  if (!runDir) throw new Error('usage: render-kamailio-config RUN_DIR [TEMPLATE_DIR]');
  const settings = kamailioSettings();
  const cfg = renderKamailioConfig(templateDir, runDir, settings);
  process.stderr.write(`rendered ${cfg} for ${settings.nodes.length} node(s); run: kamailio -DD -E -f ${cfg}\n`);
});
