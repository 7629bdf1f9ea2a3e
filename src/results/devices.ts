/**
 * Devices in a results document. A merged document (`writeprof merge`) keeps each case's
 * environment; a device is the backend plus the device's name (the GPU model, or the CPU model on
 * the cpu backend). Hosts with the same device are one device: a sweep sharded over eight
 * identical nodes is one set of tables, not eight.
 */
import type { CaseResult, Environment, ResultsDocument } from './schema.js';

export function environmentOf(doc: ResultsDocument, c: CaseResult): Environment {
  return c.environment ?? doc.environment;
}

/** The device's own name: the GPU model, or the CPU model on the cpu backend. */
export function deviceName(env: Environment): string {
  const n = env.device['name'];
  return typeof n === 'string' && n.trim() !== '' ? n : env.cpu;
}

/** Identity of a device: equal keys are the same kind of device. */
export function deviceKey(env: Environment): string {
  return `${env.backend}\u0000${deviceName(env)}`;
}

/** How people see a device: "NVIDIA H100 80GB HBM3 (cuda)". */
export function deviceLabel(env: Environment): string {
  return `${deviceName(env)} (${env.backend})`;
}

export interface DevicePart {
  key: string;
  label: string;
  /** the device's name without the backend */
  name: string;
  /** hosts whose cases are in this part, in first-appearance order */
  hosts: string[];
  /** a single-device document: this device's cases, its first case's environment */
  doc: ResultsDocument;
}

/**
 * The document split by device, in first-appearance order. A document with one device comes back
 * whole (same object), so single-device readers see exactly what they saw before merging existed.
 */
export function splitByDevice(doc: ResultsDocument): DevicePart[] {
  const parts = new Map<string, { env: Environment; hosts: Set<string>; cases: CaseResult[] }>();
  for (const c of doc.cases) {
    const env = environmentOf(doc, c);
    const key = deviceKey(env);
    let p = parts.get(key);
    if (!p) {
      p = { env, hosts: new Set(), cases: [] };
      parts.set(key, p);
    }
    p.hosts.add(env.host);
    p.cases.push(c);
  }
  if (parts.size <= 1) {
    const env = parts.values().next().value?.env ?? doc.environment;
    const hosts = [...(parts.values().next().value?.hosts ?? [doc.environment.host])];
    return [{ key: deviceKey(env), label: deviceLabel(env), name: deviceName(env), hosts, doc }];
  }
  return [...parts.entries()].map(([key, p]) => ({
    key,
    label: deviceLabel(p.env),
    name: deviceName(p.env),
    hosts: [...p.hosts],
    doc: { ...doc, environment: p.env, cases: p.cases },
  }));
}
