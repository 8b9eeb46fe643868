/**
 * The fields of every record type Asana's exports contain: the one home of that knowledge. The
 * JSON Schema files in packages/core/schemas/ are generated from it (scripts/write-schemas.mjs),
 * the loader types its columns by it, and `unknownFields` names what a record carries beyond it
 * (schema drift, which is warned about, never refused).
 *
 * Written from Asana's OpenAPI description (`defs/asana_oas.yaml` in github.com/Asana/openapi, at
 * commit fc9f8dc of 2026-06-11): each type's fields are its `*Response` schema's top-level
 * properties, with their types, `format: date` / `date-time`, `nullable` and the first sentence of
 * their description; the comment after each type names the schema. Where exports differ from the
 * API, the export notes of that file (POST /exports/resource) win: tasks carry `stories` and
 * `attachments`, teams `members`, and messages (no schema of their own) the fields listed there.
 * The graph exports' link types are documented by name only ("Relation between portfolios"); their
 * fields are the sandbox's.
 *
 * Pure data, no I/O. Bump SCHEMA_VERSION when a change could break a reader of the files (a field
 * removed or retyped); adding a type or a field does not.
 */

import type { ExportKind } from './kinds.js';

export const SCHEMA_VERSION = 1;

/** JSON types, with `date` (YYYY-MM-DD) and `date-time` (ISO 8601) for strings of those formats. */
export type FieldType =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'date'
  | 'date-time'
  | 'object'
  | 'array';

export interface FieldSchema {
  readonly name: string;
  readonly type: FieldType;
  /** True when Asana may send `null` for the field. */
  readonly nullable: boolean;
  readonly description: string;
}

export interface RecordSchema {
  /** The records' `resource_type`. */
  readonly resourceType: string;
  readonly description: string;
  /** Top-level fields, `resource_type` (and `gid`, for types that have one) first. */
  readonly fields: readonly FieldSchema[];
}

type Row = readonly [name: string, type: FieldType, nullable: boolean, description: string];

const GID: Row = [
  'gid',
  'string',
  false,
  'Globally unique identifier of the resource, as a string.',
];
const RESOURCE_TYPE: Row = ['resource_type', 'string', false, 'The base type of this resource.'];

function toField([name, type, nullable, description]: Row): FieldSchema {
  return { name, type, nullable, description };
}

interface Entry {
  readonly description: string;
  /** A graph export's link between two objects, which has no gid of its own. */
  readonly link?: true;
  readonly rows: readonly Row[];
}

function toSchemas(entries: Readonly<Record<string, Entry>>): Record<string, RecordSchema> {
  return Object.fromEntries(
    Object.entries(entries).map(([resourceType, { description, link, rows }]) => {
      const fields = [...(link ? [] : [GID]), RESOURCE_TYPE, ...rows].map(toField);
      return [resourceType, { resourceType, description, fields }];
    }),
  );
}

/** Every record type an export may contain, by resource_type. */
// One call marked pure, so that a bundle which does not use the table leaves it out.
// biome-ignore format: a table, one field a line
export const RECORD_SCHEMAS: Readonly<Record<string, RecordSchema>> = /* @__PURE__ */ toSchemas({
  workspace: { description: 'A workspace is the highest-level organizational unit in Asana.', rows: [
    ['name', 'string', false, 'The name of the workspace.'],
    ['email_domains', 'array', false, 'The email domains that are associated with this workspace.'],
    ['is_organization', 'boolean', false, 'Whether the workspace is an organization.'],
  ] }, // WorkspaceResponse
  user: { description: 'A user object represents an account in Asana that can be given access to various workspaces, projects, and tasks.', rows: [
    ['name', 'string', false, 'The user\'s name.'],
    ['email', 'string', false, 'The user\'s email address.'],
    ['photo', 'object', true, 'A map of the user\'s profile photo in various sizes, or null if no photo is set.'],
    ['workspaces', 'array', false, 'Workspaces and organizations this user may access.'],
    ['custom_fields', 'array', false, 'Array of Custom Fields.'],
  ] }, // UserResponse
  team: { description: 'A team is used to group related projects and people together within an organization.', rows: [
    ['name', 'string', false, 'The name of the team.'],
    ['description', 'string', false, 'The description of the team.'],
    ['html_description', 'string', false, 'The description of the team with formatting as HTML.'],
    ['organization', 'object', false, 'The organization/workspace the team belongs to.'],
    ['permalink_url', 'string', false, 'A url that points directly to the object within Asana.'],
    ['visibility', 'string', false, 'The visibility of the team to users in the same organization'],
    ['edit_team_name_or_description_access_level', 'string', false, 'Controls who can edit team name and description'],
    ['edit_team_visibility_or_trash_team_access_level', 'string', false, 'Controls who can edit team visibility and trash teams'],
    ['member_invite_management_access_level', 'string', false, 'Controls who can accept or deny member invites for a given team'],
    ['guest_invite_management_access_level', 'string', false, 'Controls who can accept or deny guest invites for a given team'],
    ['join_request_management_access_level', 'string', false, 'Controls who can accept or deny join team requests for a Membership by Request team.'],
    ['team_member_removal_access_level', 'string', false, 'Controls who can remove team members'],
    ['team_content_management_access_level', 'string', false, 'Controls who can create and share content with the team'],
    ['endorsed', 'boolean', false, 'Whether the team has been endorsed'],
    ['custom_field_settings', 'array', false, 'Array of Custom Field Settings applied to the team.'],
    // Exports only (the OAS, POST /exports/resource): included by default with each team.
    ['members', 'array', false, 'Exports only: the users who are members of the team.'],
  ] }, // TeamResponse
  project: { description: 'A project represents a prioritized list of tasks in Asana or a board with columns of tasks represented as cards.', rows: [
    ['name', 'string', false, 'Name of the project.'],
    ['archived', 'boolean', false, 'True if the project is archived, false if not.'],
    ['color', 'string', true, 'Color of the project.'],
    ['icon', 'string', true, 'The icon for a project.'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['current_status', 'object', true, 'Deprecated: new integrations should prefer the current_status_update resource.'],
    ['current_status_update', 'object', true, 'The latest status_update posted to this project.'],
    ['custom_field_settings', 'array', false, 'Array of custom field definitions that are enabled for the project.'],
    ['default_view', 'string', false, 'The default view (list, board, calendar, or timeline) of a project.'],
    ['due_date', 'date', true, 'Deprecated: new integrations should prefer the due_on field.'],
    ['due_on', 'date', true, 'The day on which this project is due.'],
    ['html_notes', 'string', false, 'The notes of the project with formatting as HTML.'],
    ['members', 'array', false, 'Array of users who are members of this project.'],
    ['modified_at', 'date-time', false, 'The time at which this project was last modified.'],
    ['notes', 'string', false, 'Free-form textual information associated with the project (ie., its description).'],
    ['public', 'boolean', false, 'Deprecated: new integrations use privacy_setting instead.'],
    ['privacy_setting', 'string', false, 'The privacy setting of the project.'],
    ['start_on', 'date', true, 'The day on which work for this project begins, or null if the project has no start date.'],
    ['default_access_level', 'string', false, 'The default access for users or teams who join or are added as members to the project.'],
    ['minimum_access_level_for_customization', 'string', false, 'The minimum access level needed for project members to modify this project\'s workflow and appearance.'],
    ['minimum_access_level_for_sharing', 'string', false, 'The minimum access level needed for project members to share the project and manage project memberships.'],
    ['custom_fields', 'array', false, 'Array of custom field values applied directly to the project itself.'],
    ['completed', 'boolean', false, 'True if the project is currently marked complete, false if not.'],
    ['completed_at', 'date-time', true, 'The time at which this project was completed, or null if the project is not completed.'],
    ['completed_by', 'object', true, 'The user that marked this project complete, or null if the project is not completed.'],
    ['followers', 'array', false, 'Array of users following this project.'],
    ['owner', 'object', true, 'The current owner of the project, may be null.'],
    ['team', 'object', false, 'The team that this project is shared with.'],
    ['permalink_url', 'string', false, 'A url that points directly to the object within Asana.'],
    ['project_brief', 'object', true, 'The project brief associated with this project.'],
    ['created_from_template', 'object', true, 'The project template from which this project was created.'],
    ['workspace', 'object', false, 'The workspace or organization this project is associated with.'],
  ] }, // ProjectResponse
  section: { description: 'A section is a subdivision of a project that groups tasks together.', rows: [
    ['name', 'string', false, 'The name of the section (i.e. the text displayed as the section header).'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['project', 'object', false, 'A project (compact object).'],
    ['projects', 'array', false, 'Deprecated: use project instead.'],
  ] }, // SectionResponse
  task: { description: 'The task is the basic object around which many operations in Asana are centered.', rows: [
    ['name', 'string', false, 'Name of the task.'],
    ['resource_subtype', 'string', false, 'The subtype of this resource.'],
    ['created_by', 'object', false, 'A user (compact object).'],
    ['approval_status', 'string', false, 'Reflects the approval status of this task.'],
    ['assignee_status', 'string', false, 'Deprecated: scheduling status of this task for the user it is assigned to.'],
    ['assigned_by', 'object', true, 'The user who assigned the task.'],
    ['completed', 'boolean', false, 'True if the task is currently marked complete, false if not.'],
    ['completed_at', 'date-time', true, 'The time at which this task was completed, or null if the task is incomplete.'],
    ['completed_by', 'object', true, 'A user (compact object).'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['dependencies', 'array', false, 'Array of resources referencing tasks that this task depends on.'],
    ['dependents', 'array', false, 'Array of resources referencing tasks that depend on this task.'],
    ['due_at', 'date-time', true, 'The UTC date and time on which this task is due, or null if the task has no due time.'],
    ['due_on', 'date', true, 'The localized date on which this task is due, or null if the task has no due date.'],
    ['external', 'object', false, 'This field is returned only if external values are set or included by using Opt In.'],
    ['html_notes', 'string', false, 'The notes of the text with formatting as HTML.'],
    ['hearted', 'boolean', false, 'Deprecated: use liked instead. True if the task is hearted by the authorized user, false if not.'],
    ['hearts', 'array', false, 'Deprecated: use likes instead. Array of likes for users who have hearted this task.'],
    ['is_rendered_as_separator', 'boolean', false, 'In some contexts tasks can be rendered as a visual separator; for instance, subtasks can appear similar to sections without being true section objects.'],
    ['liked', 'boolean', false, 'True if the task is liked by the authorized user, false if not.'],
    ['likes', 'array', false, 'Array of likes for users who have liked this task.'],
    ['memberships', 'array', false, 'Array of projects this task is associated with and the section it is in.'],
    ['modified_at', 'date-time', false, 'The time at which this task was last modified.'],
    ['notes', 'string', false, 'Free-form textual information associated with the task (i.e. its description).'],
    ['num_hearts', 'integer', false, 'Deprecated: use likes instead. The number of users who have hearted this task.'],
    ['num_likes', 'integer', false, 'The number of users who have liked this task.'],
    ['num_subtasks', 'integer', false, 'The number of subtasks on this task.'],
    ['start_at', 'date-time', true, 'Date and time on which work begins for the task, or null if the task has no start time.'],
    ['start_on', 'date', true, 'The day on which work begins for the task , or null if the task has no start date.'],
    ['actual_time_minutes', 'number', true, 'This value represents the sum of all the Time Tracking entries in the Actual Time field on a given Task.'],
    ['assignee', 'object', true, 'A user (compact object).'],
    ['assignee_section', 'object', true, 'The assignee section is a subdivision of a project that groups tasks together in the assignee\'s "My tasks" list.'],
    ['custom_fields', 'array', false, 'Array of custom field values applied to the task.'],
    ['custom_type', 'object', true, 'A custom type (compact object).'],
    ['custom_type_status_option', 'object', true, 'A custom type status option (compact object).'],
    ['followers', 'array', false, 'Array of users following this task.'],
    ['parent', 'object', true, 'The parent of this task, or null if this is not a subtask.'],
    ['projects', 'array', false, 'Array of projects this task is associated with.'],
    ['tags', 'array', false, 'Array of tags associated with this task.'],
    ['workspace', 'object', false, 'The workspace this task is associated with.'],
    ['permalink_url', 'string', false, 'A url that points directly to the object within Asana.'],
    // Exports only (the OAS, POST /exports/resource): included by default with each task.
    ['attachments', 'array', false, 'Exports only: the task\'s attachments (without download_url or view_url).'],
    ['stories', 'array', false, 'Exports only: the comments and other changes made to the task.'],
  ] }, // TaskResponse
  story: { description: 'A story represents an activity associated with an object in the Asana system.', rows: [
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['resource_subtype', 'string', false, 'The subtype of this resource.'],
    ['text', 'string', false, 'The plain text of the comment.'],
    ['html_text', 'string', false, 'HTML formatted text for a comment.'],
    ['is_pinned', 'boolean', false, 'Whether the story should be pinned on the resource.'],
    ['sticker_name', 'string', false, 'The name of the sticker in this story.'],
    ['created_by', 'object', false, 'A user (compact object).'],
    ['type', 'string', false, 'Whether the story is a comment or a system story (comment, system).'],
    ['is_editable', 'boolean', false, 'Whether the text of the story can be edited after creation.'],
    ['is_edited', 'boolean', false, 'Whether the text of the story has been edited after creation.'],
    ['hearted', 'boolean', false, 'Deprecated: use likes instead.'],
    ['hearts', 'array', false, 'Deprecated: use likes instead.'],
    ['num_hearts', 'integer', false, 'Deprecated: use likes instead.'],
    ['liked', 'boolean', false, 'True if the story is liked by the authorized user, false if not.'],
    ['likes', 'array', false, 'Array of likes for users who have liked this story.'],
    ['num_likes', 'integer', false, 'The number of users who have liked this story.'],
    ['reaction_summary', 'array', false, 'Summary of emoji reactions on this story.'],
    ['previews', 'array', false, 'A collection of previews to be displayed in the story.'],
    ['old_name', 'string', false, 'The previous name of the task before a name change.'],
    ['new_name', 'string', true, 'The updated name of the task after a name change.'],
    ['old_dates', 'object', false, 'A story response dates object.'],
    ['new_dates', 'object', false, 'A story response dates object.'],
    ['old_resource_subtype', 'string', false, 'The previous resource_subtype of the object, for a subtype change.'],
    ['new_resource_subtype', 'string', false, 'The new resource_subtype of the object, for a subtype change.'],
    ['story', 'object', false, 'A story (compact object).'],
    ['assignee', 'object', false, 'A user (compact object).'],
    ['follower', 'object', false, 'A user (compact object).'],
    ['old_section', 'object', false, 'A section (compact object).'],
    ['new_section', 'object', false, 'A section (compact object).'],
    ['task', 'object', false, 'A task (compact object).'],
    ['project', 'object', false, 'A project (compact object).'],
    ['tag', 'object', false, 'A tag (compact object).'],
    ['custom_field', 'object', false, 'A custom field (compact object).'],
    ['old_text_value', 'string', false, 'The previous value of a text-type field before it was updated.'],
    ['new_text_value', 'string', false, 'The new value of a text-type field after it was updated.'],
    ['old_number_value', 'integer', true, 'The previous value of a number-type custom field before the update.'],
    ['new_number_value', 'integer', false, 'The new value of a number-type custom field after the update.'],
    ['old_enum_value', 'object', false, 'An enum option object.'],
    ['new_enum_value', 'object', false, 'An enum option object.'],
    ['old_date_value', 'object', false, 'The old value of a date custom field story.'],
    ['new_date_value', 'object', false, 'The new value of a date custom field story.'],
    ['old_people_value', 'array', false, 'The old value of a people custom field story.'],
    ['new_people_value', 'array', false, 'The new value of a people custom field story.'],
    ['old_multi_enum_values', 'array', false, 'The old value of a multi-enum custom field story.'],
    ['new_multi_enum_values', 'array', false, 'The new value of a multi-enum custom field story.'],
    ['new_approval_status', 'string', false, 'The new value of approval status.'],
    ['old_approval_status', 'string', false, 'The old value of approval status.'],
    ['duplicate_of', 'object', false, 'A task (compact object).'],
    ['duplicated_from', 'object', false, 'A task (compact object).'],
    ['dependency', 'object', false, 'A task (compact object).'],
    ['source', 'string', false, 'The component of the Asana product the user used to trigger the story.'],
    ['target', 'object', false, 'The object this story is associated with.'],
  ] }, // StoryResponse
  tag: { description: 'A tag is a label that can be attached to any task in Asana.', rows: [
    ['name', 'string', false, 'Name of the tag.'],
    ['color', 'string', true, 'Color of the tag.'],
    ['notes', 'string', false, 'Free-form textual information associated with the tag (i.e. its description).'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['followers', 'array', false, 'Array of users following this tag.'],
    ['workspace', 'object', false, 'A workspace (compact object).'],
    ['permalink_url', 'string', false, 'A url that points directly to the object within Asana.'],
  ] }, // TagResponse
  attachment: { description: 'An attachment object represents any file attached to a task in Asana, whether it\'s an uploaded file or one associated via a third-party service such as Dropbox or Google Drive.', rows: [
    ['name', 'string', false, 'The name of the file.'],
    ['resource_subtype', 'string', false, 'The service hosting the attachment.'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['download_url', 'string', true, 'The URL containing the content of the attachment.'],
    ['permanent_url', 'string', true, 'A stable URL for accessing the attachment through the Asana web application.'],
    ['host', 'string', false, 'The service hosting the attachment.'],
    ['parent', 'object', true, 'The task this attachment is attached to.'],
    ['size', 'integer', false, 'The size of the attachment in bytes.'],
    ['view_url', 'string', true, 'The URL where the attachment can be viewed, which may be friendlier to users in a browser than just directing them to a raw file.'],
    ['connected_to_app', 'boolean', false, 'Whether the attachment is connected to the app making the request for the purposes of showing an app components widget.'],
  ] }, // AttachmentResponse
  custom_field: { description: 'Custom Fields store the metadata that is used in order to add user-specified information to tasks in Asana.', rows: [
    ['name', 'string', false, 'The name of the custom field.'],
    ['type', 'string', false, 'Deprecated: new integrations should prefer the resource_subtype field.'],
    ['enum_options', 'array', false, 'Only relevant for custom fields of type enum or multi_enum.'],
    ['enabled', 'boolean', false, 'This field applies only to custom field values and is not available for custom field definitions.'],
    ['representation_type', 'string', false, 'This field tells the type of the custom field.'],
    ['id_prefix', 'string', true, 'This field is the unique custom ID string for the custom field.'],
    ['input_restrictions', 'array', false, 'For reference custom fields: the types of objects its value may hold.'],
    ['is_formula_field', 'boolean', false, 'This flag describes whether a custom field is a formula custom field.'],
    ['date_value', 'object', true, 'Only relevant for custom fields of type date.'],
    ['enum_value', 'object', true, 'Only relevant for custom fields of type enum.'],
    ['multi_enum_values', 'array', false, 'Only relevant for custom fields of type multi_enum.'],
    ['number_value', 'number', true, 'This number is the value of a number custom field.'],
    ['text_value', 'string', true, 'This string is the value of a text custom field.'],
    ['display_value', 'string', true, 'A string representation for the value of the custom field.'],
    ['description', 'string', false, 'The description of the custom field.'],
    ['precision', 'integer', false, 'Only relevant for custom fields of type Number.'],
    ['format', 'string', false, 'The format of this custom field.'],
    ['currency_code', 'string', true, 'ISO 4217 currency code to format this custom field.'],
    ['custom_label', 'string', true, 'This is the string that appears next to the custom field value.'],
    ['custom_label_position', 'string', true, 'Only relevant for custom fields with custom format.'],
    ['is_global_to_workspace', 'boolean', false, 'This flag describes whether this custom field is available to every container in the workspace.'],
    ['has_notifications_enabled', 'boolean', false, 'This flag describes whether a follower of a task with this field should receive inbox notifications from changes to this field.'],
    ['asana_created_field', 'string', true, 'A unique identifier to associate this field with the template source of truth.'],
    ['is_value_read_only', 'boolean', false, 'This flag describes whether a custom field is read only.'],
    ['created_by', 'object', true, 'A user (compact object).'],
    ['people_value', 'array', false, 'Only relevant for custom fields of type people.'],
    ['reference_value', 'array', false, 'Only relevant for custom fields of type reference.'],
    ['html_text_value', 'string', true, 'Only relevant for custom fields of type text.'],
    ['privacy_setting', 'string', false, 'The privacy setting of the custom field.'],
    ['default_access_level', 'string', false, 'The default access level when inviting new members to the custom field.'],
    ['resource_subtype', 'string', false, 'The type of the custom field.'],
  ] }, // CustomFieldResponse
  portfolio: { description: 'A portfolio gives a high-level overview of the status of multiple initiatives in Asana.', rows: [
    ['name', 'string', false, 'The name of the portfolio.'],
    ['archived', 'boolean', false, 'True if the portfolio is archived, false if not.'],
    ['color', 'string', false, 'Color of the portfolio.'],
    ['start_on', 'date', true, 'The day on which work for this portfolio begins, or null if the portfolio has no start date.'],
    ['due_on', 'date', true, 'The day on which this portfolio is due.'],
    ['default_access_level', 'string', false, 'The default access level when inviting new members to the portfolio'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['created_by', 'object', false, 'A user (compact object).'],
    ['custom_field_settings', 'array', false, 'Array of custom field definitions that are enabled for the portfolio.'],
    ['current_status_update', 'object', true, 'The latest status_update posted to this portfolio.'],
    ['custom_fields', 'array', false, 'Array of custom field values applied directly to the portfolio itself.'],
    ['members', 'array', false, 'Array of user objects.'],
    ['owner', 'object', false, 'A user (compact object).'],
    ['workspace', 'object', false, 'The workspace or organization that the portfolio belongs to.'],
    ['permalink_url', 'string', false, 'A url that points directly to the object within Asana.'],
    ['public', 'boolean', false, 'True if the portfolio is public to its workspace members.'],
    ['privacy_setting', 'string', false, 'The privacy setting of the portfolio.'],
    ['project_templates', 'array', false, 'Array of project templates that are in the portfolio'],
  ] }, // PortfolioResponse
  allocation: { description: 'An allocation of a person\'s time to a project, over a date range.', rows: [
    ['start_date', 'date', false, 'The localized day on which the allocation starts.'],
    ['end_date', 'date', false, 'The localized day on which the allocation ends.'],
    ['effort', 'object', true, 'The amount of time associated with the allocation, represented as a percentage or number of hours.'],
    ['assignee', 'object', false, 'The user or placeholder assigned to the allocation.'],
    ['created_by', 'object', false, 'The user who created the allocation.'],
    ['parent', 'object', false, 'The project the allocation is on.'],
    ['resource_subtype', 'string', false, 'The subtype of the allocation.'],
  ] }, // AllocationResponse
  time_tracking_entry: { description: 'A record of the actual time someone spent on a task.', rows: [
    ['duration_minutes', 'integer', false, 'Time in minutes tracked by the entry.'],
    ['entered_on', 'date', false, 'The day that this entry is logged on.'],
    ['attributable_to', 'object', false, 'The attributable to project specifies which project\'s budget a time entry should be counted toward, if the task belongs to more than one project.'],
    ['created_by', 'object', false, 'A user (compact object).'],
    ['categories', 'array', false, 'The categories linked to this time tracking entry.'],
    ['task', 'object', false, 'A task (compact object).'],
    ['created_at', 'date-time', false, 'The time at which this resource was created.'],
    ['approval_status', 'string', false, 'The current approval status of the entry.'],
    ['billable_status', 'string', false, 'The current billable status of the entry.'],
    ['description', 'string', false, 'The description of the entry.'],
  ] }, // TimeTrackingEntryBase
  goal: { description: 'A goal in the goal-tracking system: the parent of a graph export, or a parent a message was sent to.', rows: [
    ['name', 'string', false, 'The name of the goal.'],
    ['html_notes', 'string', false, 'The notes of the goal with formatting as HTML.'],
    ['notes', 'string', false, 'Free-form textual information associated with the goal (i.e. its description).'],
    ['due_on', 'string', true, 'The localized day on which this goal is due.'],
    ['start_on', 'string', true, 'The day on which work for this goal begins, or null if the goal has no start date.'],
    ['is_workspace_level', 'boolean', false, 'This property is only present when the workspace provided is an organization.'],
    ['liked', 'boolean', false, 'True if the goal is liked by the authorized user, false if not.'],
    ['likes', 'array', false, 'Array of likes for users who have liked this goal.'],
    ['num_likes', 'integer', false, 'The number of users who have liked this goal.'],
    ['team', 'object', true, 'This property is only present when the workspace provided is an organization.'],
    ['workspace', 'object', false, 'A workspace (compact object).'],
    ['followers', 'array', false, 'Array of users who are members of this goal.'],
    ['time_period', 'object', true, 'A time period (compact object).'],
    ['metric', 'object', true, 'A goal metric object.'],
    ['owner', 'object', true, 'A user (compact object).'],
    ['current_status_update', 'object', true, 'The latest status_update posted to this goal.'],
    ['status', 'string', true, 'The current status of this goal.'],
    ['privacy_setting', 'string', false, 'The privacy setting of the goal.'],
    ['default_access_level', 'string', false, 'The default access level when inviting new members to the goal'],
    ['custom_fields', 'array', false, 'Array of custom field values applied directly to the goal itself.'],
    ['custom_field_settings', 'array', false, 'Array of custom field definitions that are enabled for the goal.'],
  ] }, // GoalResponse
  // No OAS schema: the fields the OAS lists for messages in its notes on POST /exports/resource.
  message: { description: 'A message or status update sent to projects, portfolios, teams or goals (resource exports).', rows: [
    ['resource_subtype', 'string', false, 'The subtype of the message: default or status_update.'],
    ['status_type', 'string', false, 'For a status update: on_track, at_risk, off_track, on_hold, complete, achieved, partial, missed or dropped.'],
    ['created_by', 'object', false, 'The user who created the message.'],
    ['created_at', 'date-time', false, 'The time at which this resource was created and sent available to other users.'],
    ['modified_at', 'date-time', false, 'The time at which this resource was last modified.'],
    ['title', 'string', false, 'The title of the message.'],
    ['text', 'string', false, 'The text content of the message.'],
    ['html_notes', 'string', false, 'The text content of the message with formatting as HTML.'],
    ['num_likes', 'integer', false, 'The number of users who have liked this message.'],
    ['likes', 'array', false, 'The users who have liked this message.'],
    ['stories', 'array', false, 'The stories applied to the message.'],
    ['attachments', 'array', false, 'The attachments added to the message.'],
    ['followers', 'array', false, 'The users following the message; users it was sent to count as followers.'],
    ['parents', 'array', false, 'The objects the message was sent to: projects, portfolios, teams or goals.'],
  ] },
  // Graph exports' links: Asana documents the types by name only; the fields are the sandbox's.
  portfolio_to_portfolio: { link: true, description: 'Relation between portfolios (graph exports).', rows: [
    ['parent', 'object', false, 'The portfolio that holds the other (compact object).'],
    ['child', 'object', false, 'The portfolio held (compact object).'],
  ] },
  project_to_portfolio: { link: true, description: 'Relation between a project and a portfolio (graph exports).', rows: [
    ['project', 'object', false, 'The project (compact object).'],
    ['portfolio', 'object', false, 'The portfolio that holds the project (compact object).'],
  ] },
});

/** The schema of a record type, or undefined for a type no export is known to contain. */
export function recordSchema(resourceType: string): RecordSchema | undefined {
  return Object.hasOwn(RECORD_SCHEMAS, resourceType) ? RECORD_SCHEMAS[resourceType] : undefined;
}

/** Top-level fields of a record that its type's schema does not list (schema drift), sorted. */
export function unknownFields(
  record: Readonly<Record<string, unknown>>,
  schema: RecordSchema,
): string[] {
  const known = new Set(schema.fields.map((field) => field.name));
  return Object.keys(record)
    .filter((name) => !known.has(name))
    .sort();
}

export interface ExportLayout {
  /** How the file's records are laid out, in words. */
  readonly description: string;
  /** The record types a file of the kind may hold, in the order the kind's documentation lists them. */
  readonly recordTypes: readonly string[];
  /** The type of the file's first record, when the layout fixes one. */
  readonly firstRecordType?: string;
}

/** What each export kind's file holds. Every type listed has a schema in RECORD_SCHEMAS. */
export const EXPORT_LAYOUTS: Readonly<Record<ExportKind, ExportLayout>> = {
  resource: {
    description:
      'JSON Lines in gzip (.jsonl.gz): one object a line, in no guaranteed order, of the types the request asked for, with the fields it asked for (all by default).',
    recordTypes: ['task', 'team', 'message'],
  },
  graph: {
    description:
      'JSON Lines in gzip (.jsonl.gz): one object a line, each with a resource_type, of the parent (a goal, team, portfolio or project) and the objects below it.',
    recordTypes: [
      'portfolio',
      'project',
      'task',
      'section',
      'portfolio_to_portfolio',
      'project_to_portfolio',
      'allocation',
      'time_tracking_entry',
    ],
  },
  organization: {
    description:
      'JSON in gzip (.json.gz), "the full export of the organization in JSON format"; Asana documents no more, so a file may be one JSON document. Older exports, and the sandbox, hold one JSON object a line, the workspace first, then its users, teams, projects, sections, tasks, stories, tags, attachments and custom fields.',
    recordTypes: [
      'workspace',
      'user',
      'team',
      'project',
      'section',
      'task',
      'story',
      'tag',
      'attachment',
      'custom_field',
    ],
    firstRecordType: 'workspace',
  },
};
