import type { CheckTask, Probe } from './context.ts';
import { pingHost } from './icmp.ts';
import { tcpConnect } from './tcp.ts';

/**
 * The installation's licence manager (Licman): the service that hands out the SenseLock key over the
 * network, usually on port 8888. Two checks: `licman_tcp` (the port accepts connections, LicmanTcpStatus)
 * and, unless `icmp: false`, `licman_icmp` (the host answers ping, LicmanIcmp).
 */
export const licmanProbe: Probe<'licman'> = {
  type: 'licman',
  plan(_installation, settings): CheckTask[] {
    const { host, port } = settings;
    const tasks: CheckTask[] = [
      {
        check: 'licman_tcp',
        host,
        async run(ctx) {
          const r = await tcpConnect(ctx, host, port);
          // tcpConnect speaks of «Порт N»; say whose port it is.
          return { ...r, message: `Менеджер лицензий: ${lowerFirst(r.message)}` };
        },
      },
    ];
    if (settings.icmp)
      tasks.push({ check: 'licman_icmp', host, run: (ctx) => pingHost(ctx, host, 3, 'Менеджер лицензий') });
    return tasks;
  },
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
