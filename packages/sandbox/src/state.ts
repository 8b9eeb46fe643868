/**
 * The export lifecycle. An export's state is a pure function of the wall clock and the scenario
 * captured when it was created, so nothing has to tick in the background and a paused test
 * simply sees a later state when it resumes.
 */
import { canonicalParameters, type ExportParameter } from './export-selection.js';
import { newGid } from './gid.js';
import type { ExportKind, ResourceType, Scenario } from './types.js';

export type Phase = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ExportRecord {
  readonly kind: ExportKind;
  /** The gid of the export itself (organization export, resource export, graph export). */
  readonly exportGid: string;
  /** The job that tracks it; resource and graph exports only. */
  readonly jobGid: string | undefined;
  /** Organization, workspace or graph parent gid, depending on the kind. */
  readonly scopeGid: string;
  readonly resourceTypes: readonly ResourceType[];
  /** A resource export's `export_request_parameters`, canonical; empty for other kinds. */
  readonly parameters: readonly ExportParameter[];
  readonly createdAt: number;
  readonly scenario: Readonly<Scenario>;
  /** The object's name on the download host, e.g. `1209...-20240131.jsonl.gz`. */
  readonly fileName: string;
}

export function phaseAt(record: ExportRecord, now: number): Phase {
  const elapsed = now - record.createdAt;
  const { durationMs, outcome } = record.scenario;
  if (elapsed >= durationMs) return outcome === 'succeed' ? 'succeeded' : 'failed';
  return elapsed < durationMs / 3 ? 'queued' : 'running';
}

export function isWaiting(record: ExportRecord, now: number): boolean {
  const phase = phaseAt(record, now);
  return phase === 'queued' || phase === 'running';
}

/** When the export reached its final state, or undefined while it is still waiting. */
export function completedAt(record: ExportRecord, now: number): number | undefined {
  return isWaiting(record, now) ? undefined : record.createdAt + record.scenario.durationMs;
}

export type ResourceExportOutcome =
  | { created: true; record: ExportRecord }
  | { created: false; reason: 'in-progress' };

export class ExportStore {
  readonly #byExportGid = new Map<string, ExportRecord>();
  readonly #byJobGid = new Map<string, ExportRecord>();
  /** Latest resource export per workspace, to enforce one at a time. */
  readonly #latestByWorkspace = new Map<string, ExportRecord>();
  /** Latest graph export per parent, so a repeat request can join the running job. */
  readonly #latestByParent = new Map<string, ExportRecord>();

  createOrganizationExport(organizationGid: string, scenario: Scenario, now: number): ExportRecord {
    return this.#add('organization', organizationGid, [], scenario, now);
  }

  createResourceExport(
    workspaceGid: string,
    parameters: readonly ExportParameter[],
    scenario: Scenario,
    now: number,
  ): ResourceExportOutcome {
    const latest = this.#latestByWorkspace.get(workspaceGid);
    if (latest !== undefined && isWaiting(latest, now)) {
      return { created: false, reason: 'in-progress' };
    }
    const distinctTypes = [...new Set(parameters.map((entry) => entry.resourceType))].sort();
    const record = this.#add('resource', workspaceGid, distinctTypes, scenario, now, parameters);
    this.#latestByWorkspace.set(workspaceGid, record);
    return { created: true, record };
  }

  /** Returns the running job for `parentGid` if there is one, as Asana does. */
  createGraphExport(parentGid: string, scenario: Scenario, now: number): ExportRecord {
    const latest = this.#latestByParent.get(parentGid);
    if (latest !== undefined && isWaiting(latest, now)) return latest;
    const record = this.#add('graph', parentGid, [], scenario, now);
    this.#latestByParent.set(parentGid, record);
    return record;
  }

  organizationExport(gid: string): ExportRecord | undefined {
    const record = this.#byExportGid.get(gid);
    return record?.kind === 'organization' ? record : undefined;
  }

  job(gid: string): ExportRecord | undefined {
    return this.#byJobGid.get(gid);
  }

  /** Looks a record up by export gid or job gid, whichever the caller has. */
  find(gid: string): ExportRecord | undefined {
    return this.#byExportGid.get(gid) ?? this.#byJobGid.get(gid);
  }

  #add(
    kind: ExportKind,
    scopeGid: string,
    resourceTypes: readonly ResourceType[],
    scenario: Scenario,
    now: number,
    parameters: readonly ExportParameter[] = [],
  ): ExportRecord {
    const exportGid = newGid();
    const extension = kind === 'organization' ? 'json.gz' : 'jsonl.gz';
    const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '');
    const record: ExportRecord = {
      kind,
      exportGid,
      jobGid: kind === 'organization' ? undefined : newGid(),
      scopeGid,
      resourceTypes,
      parameters: canonicalParameters(parameters),
      createdAt: now,
      scenario: Object.freeze({ ...scenario }),
      fileName: `${exportGid}-${day}.${extension}`,
    };
    this.#byExportGid.set(exportGid, record);
    if (record.jobGid !== undefined) this.#byJobGid.set(record.jobGid, record);
    return record;
  }
}
