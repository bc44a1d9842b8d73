/**
 * Where the status data lives: a folder (`fs`, the embedded default) or the `status` branch of a GitHub
 * repository (`github`). Paths are relative and use `/`, e.g. `state/acme.json`, `history/acme/2026-11.json`.
 */

/** Read access to the status data as of one moment (one commit, for github). */
export interface StoreView {
  /**
   * The text of a file, or undefined when it does not exist. A file bigger than `maxBytes` (default
   * MAX_STATUS_FILE) is refused before it is read: FileTooLargeError, carrying its size.
   */
  read(path: string, opts?: ReadOptions): Promise<string | undefined>;
  /** Relative paths of the files below a folder (recursively), sorted. */
  list(dir: string): Promise<string[]>;
}

/** Options of one read. */
export interface ReadOptions {
  /** Refuse a file bigger than this many bytes unread (default MAX_STATUS_FILE). */
  maxBytes?: number;
}

/** Files to write (text) or delete (null) in one update, by relative path. */
export type StoreChanges = Map<string, string | null>;

/** What an update did. */
export interface UpdateResult {
  /** Files written or deleted. */
  changed: number;
  /** Times the change was computed again because someone else wrote first (github 422). */
  retries: number;
  /** Commit sha (github) or undefined (fs). */
  commit?: string;
}

/** A status data store. */
export interface StatusStore extends StoreView {
  /** Human name for messages, e.g. "status/" or "owner/repo@status". */
  readonly name: string;
  /** True when reads cost no request (a folder): a run may read every client's state up front. */
  readonly local?: boolean;
  /**
   * Computes changes against the current data and saves them as one unit (atomic file renames for fs,
   * one commit for github). When the data moved meanwhile (another checker committed first), `change`
   * runs again against the new data, so both writers' results survive.
   */
  update(message: string, change: (view: StoreView) => Promise<StoreChanges>): Promise<UpdateResult>;
}
