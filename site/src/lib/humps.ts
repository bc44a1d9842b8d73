/**
 * An alert name cut at its CamelCase humps (KodeksBehindProxyDown → Kodeks, Behind, Proxy, Down): the
 * pages put a <wbr> between the parts, so a narrow column breaks a name only where a reader would.
 * Runs of capitals and digits stay with their word (KodeksDBerrorsCode2007, SmartXMLfileIsToOld).
 */
export function humps(name: string): string[] {
  return name.split(/(?<=[a-z0-9])(?=[A-Z])/);
}
