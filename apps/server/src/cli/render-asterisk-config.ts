// Usage: node render-asterisk-config.js TEMPLATE_DIR OUTPUT_DIR INSTANCE_DIR
// Renders asterisk-config/ with the validated configuration from the environment.
import { loadConfig } from '../config/app-config';
import { asteriskTemplateVariables, renderAsteriskConfig } from '../telephony/asterisk-config/render-asterisk-config';
import { runCli } from './run-cli';

runCli(() => {
  const [templateDir, outputDir, instanceDir] = process.argv.slice(2);
  if (!templateDir || !outputDir || !instanceDir) throw new Error('usage: render-asterisk-config TEMPLATE_DIR OUTPUT_DIR INSTANCE_DIR');
  const files = renderAsteriskConfig(templateDir, outputDir, asteriskTemplateVariables(loadConfig(), instanceDir));
  process.stderr.write(`rendered ${files.length} Asterisk files into ${outputDir}\n`);
});
