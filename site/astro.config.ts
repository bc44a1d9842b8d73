import { defineConfig } from 'astro/config';
import { formatDiagnostic } from '../checker/config/diagnostics.ts';
import { inputPaths, inputWarnings, sharedInputs } from './src/lib/inputs.ts';
import { pagefindIntegration } from './src/lib/pagefind.ts';

// Read and validate every input before Astro starts: a broken installations.yaml, runbook or status file
// stops the build with `file:line:col key: message` lines, the same as `smart validate`, not a stack trace.
const loaded = await sharedInputs();
if (!loaded.ok) {
  const cwd = `${process.cwd()}/`;
  for (const d of loaded.diagnostics)
    process.stderr.write(`${formatDiagnostic({ ...d, file: d.file.replace(cwd, '') })}\n`);
  process.stderr.write(
    `site build stopped: ${loaded.diagnostics.length} problem${loaded.diagnostics.length === 1 ? '' : 's'} in the inputs\n`,
  );
  process.exit(1);
}
const configFile = inputPaths(process.env, process.cwd()).config.replace(`${process.cwd()}/`, '');
for (const line of inputWarnings(loaded.inputs, configFile)) process.stderr.write(`${line}\n`);

export default defineConfig({
  site: loaded.inputs.config.site.url,
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'always' },
  compressHTML: true,
  devToolbar: { enabled: false },
  prefetch: false,
  integrations: [pagefindIntegration()],
});
