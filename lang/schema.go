package lang

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/exdr/exdr/org"
)

// FileSuffix is the ending of the files a configuration directory holds.
const FileSuffix = ".exdr.hcl"

var rootSchema = func() *hcl.BodySchema {
	s := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "exdr"},
		{Type: "provider", LabelNames: []string{"type"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "drill", LabelNames: []string{"name"}},
	}}
	for _, k := range org.Kinds {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: k.String(), LabelNames: []string{"name"}})
	}
	return s
}()

var exdrSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "organization", Required: true}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "objectives"}, {Type: "backend", LabelNames: []string{"type"}}},
}

// backendSchemas holds each backend type's settings.
var backendSchemas = map[string]*hcl.BodySchema{
	"pg": {Attributes: []hcl.AttributeSchema{{Name: "conn_str"}}},
}

var objectivesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "rto"}, {Name: "rpo"}},
}

// providerSchemas holds each provider type's settings. Adding a provider
// means adding it here and to the registry in package providers.
var providerSchemas = map[string]*hcl.BodySchema{
	"lab": {Attributes: []hcl.AttributeSchema{{Name: "path"}}},
	"ems": {Attributes: []hcl.AttributeSchema{{Name: "powershell"}, {Name: "domain_controller"}, {Name: "backup_restore"}, {Name: "backup_method"}}},
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

// attrType is how an attribute's value is read. Each type converts to one
// cty type, so the reference object of a block has a fixed shape.
type attrType uint8

const (
	tString     attrType = iota // any string
	tBool                       // true or false
	tStringList                 // list of strings
	tName                       // an Exchange object name
	tPath                       // an absolute Windows path
	tDuration                   // "14d" or "14.00:00:00"
	tSize                       // "4GB"
	tPercent                    // "30%"
	tTime                       // RFC 3339 timestamp, or "latest"
	tRef                        // the name or identity of another resource
	tCount                      // a whole number, 0 or more
)

// attrSpec describes one attribute of a resource block.
type attrSpec struct {
	name     string
	typ      attrType
	required bool
}

// blockSpec describes a nested block of a resource.
type blockSpec struct {
	typ    string
	labels []string
	attrs  []attrSpec
	many   bool // may appear more than once
}

// kindSpec is the schema of one resource kind.
type kindSpec struct {
	attrs  []attrSpec
	blocks []blockSpec
}

// metaAttrs are accepted on every resource block.
var metaAttrs = []attrSpec{{name: "name", typ: tName}, {name: "for_each"}, {name: "depends_on"}}

var recoveryBlock = blockSpec{typ: "recovery", attrs: []attrSpec{
	{name: "restore_from", typ: tTime},
	{name: "dial_tone", typ: tBool},
	{name: "allow_data_loss", typ: tBool},
}}

var databaseAttrs = []attrSpec{
	{name: "storage_group", typ: tRef, required: true},
	{name: "edb_file_path", typ: tPath, required: true},
	{name: "mounted", typ: tBool},
	{name: "allow_file_restore", typ: tBool},
	{name: "deleted_item_retention", typ: tDuration},
	{name: "retain_deleted_items_until_backup", typ: tBool},
}

var kindSpecs = map[org.Kind]*kindSpec{
	org.KindServer: {
		attrs: []attrSpec{
			{name: "roles", typ: tStringList, required: true},
			{name: "site", typ: tString},
			{name: "edition", typ: tString},
		},
		blocks: []blockSpec{{typ: "edge", attrs: []attrSpec{{name: "cloned_config", typ: tString, required: true}}}},
	},
	org.KindClusteredMailboxServer: {
		attrs: []attrSpec{
			{name: "type", typ: tString, required: true},
			{name: "nodes", typ: tStringList, required: true},
			{name: "site", typ: tString},
			{name: "auto_database_mount_dial", typ: tString},
			{name: "active_node", typ: tString},
			{name: "ip_address", typ: tString},
		},
	},
	org.KindStorageGroup: {
		attrs: []attrSpec{
			{name: "server", typ: tRef, required: true},
			{name: "log_folder_path", typ: tPath, required: true},
			{name: "system_folder_path", typ: tPath},
			{name: "circular_logging", typ: tBool},
			// Accepted only to say where recovery storage groups belong.
			{name: "recovery", typ: tBool},
			{name: "copy", typ: tString},
			{name: "copy_path", typ: tPath},
		},
		blocks: []blockSpec{{typ: "standby", attrs: []attrSpec{
			{name: "machine", typ: tRef, required: true},
			{name: "replay_lag", typ: tDuration},
			{name: "failback", typ: tBool},
		}}},
	},
	org.KindMailboxDatabase: {
		attrs:  append(append([]attrSpec{}, databaseAttrs...), attrSpec{name: "mailbox_retention", typ: tDuration}),
		blocks: []blockSpec{recoveryBlock},
	},
	org.KindPublicFolderDatabase: {
		attrs: append(append([]attrSpec{}, databaseAttrs...),
			attrSpec{name: "replication_interval", typ: tDuration},
			attrSpec{name: "folder_replicas", typ: tStringList}),
		blocks: []blockSpec{recoveryBlock},
	},
	org.KindRecoveryStorageGroup: {
		attrs: []attrSpec{
			{name: "server", typ: tRef, required: true},
			{name: "database", typ: tRef, required: true},
			{name: "log_folder_path", typ: tPath, required: true},
			{name: "system_folder_path", typ: tPath},
			{name: "edb_file_path", typ: tPath},
			{name: "restore_from", typ: tTime},
			{name: "remove_when_done", typ: tBool},
		},
		blocks: []blockSpec{{typ: "restore_mailbox", labels: []string{"mailbox"}, many: true, attrs: []attrSpec{
			{name: "target", typ: tString},
			{name: "target_folder", typ: tString},
			{name: "start_date", typ: tTime},
			{name: "end_date", typ: tTime},
			{name: "subject_keywords", typ: tStringList},
			{name: "sender_keywords", typ: tStringList},
			{name: "content_keywords", typ: tStringList},
			{name: "recipient_keywords", typ: tStringList},
			{name: "attachment_filenames", typ: tStringList},
			{name: "bad_item_limit", typ: tCount},
			{name: "validate_only", typ: tBool},
			{name: "include_folders", typ: tStringList},
			{name: "exclude_folders", typ: tStringList},
		}}},
	},
	org.KindMailbox: {
		attrs: []attrSpec{
			{name: "database", typ: tRef, required: true},
			{name: "display_name", typ: tString},
			{name: "owner", typ: tString},
			{name: "use_database_retention_defaults", typ: tBool},
			{name: "retain_deleted_items_for", typ: tDuration},
			{name: "retain_deleted_items_until_backup", typ: tBool},
		},
	},
	org.KindQueueDatabase: {
		attrs: []attrSpec{
			{name: "server", typ: tRef, required: true},
			{name: "path", typ: tPath},
			{name: "logging_path", typ: tPath},
			{name: "max_size", typ: tSize},
			{name: "max_whitespace", typ: tPercent},
			{name: "state", typ: tString},
			{name: "allow_data_loss", typ: tBool},
		},
	},
}

// bodySchema is the hcl schema of a resource kind or nested block.
func bodySchema(attrs []attrSpec, blocks []blockSpec) *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, a := range attrs {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a.name, Required: a.required})
	}
	for _, b := range blocks {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: b.typ, LabelNames: b.labels})
	}
	return s
}

var kindSchemas = func() map[org.Kind]*hcl.BodySchema {
	m := make(map[org.Kind]*hcl.BodySchema, len(kindSpecs))
	for k, spec := range kindSpecs {
		m[k] = bodySchema(append(append([]attrSpec{}, metaAttrs...), spec.attrs...), spec.blocks)
	}
	return m
}()
