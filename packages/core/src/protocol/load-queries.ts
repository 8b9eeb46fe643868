/**
 * The example queries `asana-export load --help` and the READMEs show, in one place: the tests run
 * these very strings against a database loaded from the sandbox and compare with answers worked
 * out from the records themselves.
 */
export interface ExampleQuery {
  readonly title: string;
  readonly sql: string;
}

export const EXAMPLE_QUERIES = {
  overdueByAssignee: {
    title: 'Overdue tasks by assignee',
    sql: `SELECT assignee->>'name' AS assignee, count(*) AS overdue
FROM task
WHERE NOT completed AND due_on < current_date
GROUP BY ALL
ORDER BY overdue DESC, assignee;`,
  },
  messagesPerTeamPerMonth: {
    title: 'Messages per team per month',
    sql: `SELECT sent_to->>'name' AS team, strftime(created_at, '%Y-%m') AS month, count(*) AS messages
FROM message, unnest(CAST(parents AS JSON[])) AS p(sent_to)
WHERE sent_to->>'resource_type' = 'team'
GROUP BY ALL
ORDER BY team, month;`,
  },
  tasksChangedSinceLastExport: {
    title: 'Tasks changed since the last export',
    sql: `SELECT gid, name, modified_at
FROM task
WHERE _changed_in = (SELECT sha256 FROM _asana_export_history
                     ORDER BY completed_at DESC, loaded_at DESC LIMIT 1)
ORDER BY modified_at DESC;`,
  },
} as const satisfies Record<string, ExampleQuery>;
