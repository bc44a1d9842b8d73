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
