package org

import "fmt"

// Kind is the type of a resource, spelled in HCL as the block type.
//
//	server                  an Exchange server and its roles
//	storage_group           a storage group: one log stream, one checkpoint
//	mailbox_database        a mailbox database (.edb) in a storage group
//	public_folder_database  a public folder database (.edb) in a storage group
//	recovery_storage_group  the one recovery storage group a server may have
//	mailbox                 a user's mailbox and where it must be connected
//	queue_database          a hub or Edge server's transport queue (mail.que)
//	clustered_mailbox_server  a Mailbox server on a failover cluster (CCR, SCC)
type Kind uint8

const (
	KindInvalid Kind = iota
	KindServer
	KindStorageGroup
	KindMailboxDatabase
	KindPublicFolderDatabase
	KindRecoveryStorageGroup
	KindMailbox
	KindQueueDatabase
	// After the others: a kind's number orders addresses, and saved
	// plans name kinds, never number them.
	KindClusteredMailboxServer
)

// Kinds lists every resource kind in the order configurations usually
// declare them (containers before what they contain).
var Kinds = []Kind{
	KindServer,
	KindClusteredMailboxServer,
	KindStorageGroup,
	KindMailboxDatabase,
	KindPublicFolderDatabase,
	KindRecoveryStorageGroup,
	KindMailbox,
	KindQueueDatabase,
}

var kindNames = [...]string{
	KindInvalid:                "invalid",
	KindServer:                 "server",
	KindStorageGroup:           "storage_group",
	KindMailboxDatabase:        "mailbox_database",
	KindPublicFolderDatabase:   "public_folder_database",
	KindRecoveryStorageGroup:   "recovery_storage_group",
	KindMailbox:                "mailbox",
	KindQueueDatabase:          "queue_database",
	KindClusteredMailboxServer: "clustered_mailbox_server",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Noun is the kind as an administrator would say it in a sentence.
func (k Kind) Noun() string {
	switch k {
	case KindServer:
		return "server"
	case KindStorageGroup:
		return "storage group"
	case KindMailboxDatabase:
		return "mailbox database"
	case KindPublicFolderDatabase:
		return "public folder database"
	case KindRecoveryStorageGroup:
		return "recovery storage group"
	case KindMailbox:
		return "mailbox"
	case KindQueueDatabase:
		return "queue database"
	case KindClusteredMailboxServer:
		return "clustered mailbox server"
	}
	return k.String()
}

// ParseKind returns the kind whose block type is s.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if kindNames[k] == s {
			return k, true
		}
	}
	return KindInvalid, false
}
