import { type Config, configSchema } from '../config/schema.ts';

/** One installation for testConfig: id, url and probes are required, the rest as in installations.yaml. */
export type TestInstallation = { id: string; url: string; probes: Record<string, unknown> } & Record<
  string,
  unknown
>;

/**
 * A validated Config for tests and demos: one client "acme" holding `installations`, checker settings merged
 * over fast defaults (timeout 2s, resolvers as given, `allow: [127.0.0.1]` because every test server listens
 * there; address-policy tests use other 127.0.0.x addresses). Goes through the real zod schema.
 */
export function testConfig(
  installations: TestInstallation[],
  checker: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Config {
  return configSchema.parse({
    site: { url: 'https://status.test' },
    checker: { timeout: '2s', allow: ['127.0.0.1'], ...checker },
    clients: [
      { id: 'acme', title: 'ООО «Акме»', installations: installations.map((i) => ({ title: i.id, ...i })) },
    ],
    ...extra,
  });
}

/**
 * The text of a minimal installations.yaml: client "acme" with one installation "main", whose `probes:` is
 * followed by `probes` (flow style after a space, or block lines after a newline); `extra` is appended at
 * the top level. Messages' line numbers count from this layout (`probes:` is line 10).
 */
export function minimalConfigYaml(extra = '', probes = ' { http: {} }'): string {
  return `site:
  url: https://smart.example
clients:
  - id: acme
    title: "Акме"
    installations:
      - id: main
        title: "Кодекс"
        url: https://kodeks.acme.example/
        probes:${probes}
${extra}`;
}
