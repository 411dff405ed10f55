import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The key a client counts under in the per-address limits (the request rate, failed logins, the
 * turns of REQUESTS_IN_FLIGHT_PER_IP): an IPv4 address as it is, an IPv4-mapped IPv6 address as
 * its IPv4 one, and an IPv6 address by its /64. One subscriber usually holds a whole /64 and may
 * send from any address in it, so counting per IPv6 address would give one client 2^64 budgets.
 * Anything that is not an address (no address at all: 'unknown') counts as itself.
 */
export function addressKey(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  // Every request goes through here (twice: its turn, its rate): IPv4, the common case, is not parsed.
  if (isIPv4(ip)) return ip;
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([...parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}
