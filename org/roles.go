package org

import (
	"fmt"
	"strings"
)

// Role is one Exchange 2007 server role. The values are the bits Setup
// keeps in the AD attribute msExchCurrentServerRoles, so a Roles value can
// be compared with what Setup /m:RecoverServer will reinstall.
//
//	mailbox            2   databases, storage groups, public folders
//	client_access      4   OWA, ActiveSync, POP3/IMAP4, Autodiscover
//	unified_messaging  16  voice mail, auto attendants
//	hub_transport      32  routing inside the organization
//	edge_transport     64  the perimeter; configuration in ADAM, not AD
type Role uint8

const (
	RoleMailbox          Role = 2
	RoleClientAccess     Role = 4
	RoleUnifiedMessaging Role = 16
	RoleHubTransport     Role = 32
	RoleEdgeTransport    Role = 64
)

// AllRoles lists the roles in the order Exchange documents them.
var AllRoles = []Role{RoleMailbox, RoleClientAccess, RoleHubTransport, RoleUnifiedMessaging, RoleEdgeTransport}

func (r Role) String() string {
	switch r {
	case RoleMailbox:
		return "mailbox"
	case RoleClientAccess:
		return "client_access"
	case RoleUnifiedMessaging:
		return "unified_messaging"
	case RoleHubTransport:
		return "hub_transport"
	case RoleEdgeTransport:
		return "edge_transport"
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// ParseRole returns the role named s, as written in HCL.
func ParseRole(s string) (Role, bool) {
	for _, r := range AllRoles {
		if r.String() == s {
			return r, true
		}
	}
	return 0, false
}

// RoleNames are the names ParseRole accepts, for error messages.
func RoleNames() []string {
	names := make([]string, len(AllRoles))
	for i, r := range AllRoles {
		names[i] = r.String()
	}
	return names
}

// Roles is a set of roles, as the msExchCurrentServerRoles bitmask.
type Roles uint8

func (rs Roles) Has(r Role) bool { return rs&Roles(r) != 0 }

func (rs Roles) With(r Role) Roles { return rs | Roles(r) }

// List returns the roles in documentation order.
func (rs Roles) List() []Role {
	var out []Role
	for _, r := range AllRoles {
		if rs.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

func (rs Roles) String() string {
	names := make([]string, 0, 5)
	for _, r := range rs.List() {
		names = append(names, r.String())
	}
	return strings.Join(names, ",")
}

// Edition is the Exchange Server edition, which sets the storage limits.
//
//	standard    at most 5 storage groups and 5 databases per server
//	enterprise  at most 50 storage groups and 50 databases per server
type Edition uint8

const (
	EditionStandard Edition = iota + 1
	EditionEnterprise
)

func (e Edition) String() string {
	switch e {
	case EditionStandard:
		return "standard"
	case EditionEnterprise:
		return "enterprise"
	}
	return fmt.Sprintf("Edition(%d)", uint8(e))
}

// ParseEdition returns the edition named s.
func ParseEdition(s string) (Edition, bool) {
	switch s {
	case "standard":
		return EditionStandard, true
	case "enterprise":
		return EditionEnterprise, true
	}
	return 0, false
}

// Limits are the storage limits an edition allows on one server.
type Limits struct {
	StorageGroups    int // per server
	Databases        int // per server, public folder databases included
	DatabasesPerSG   int
	RecoverySGs      int // per server
	PublicFolderDBs  int // per server
	DatabasesPerCopy int // in a storage group with LCR, CCR or SCR
}

// Limits returns what Exchange 2007 allows for the edition.
func (e Edition) Limits() Limits {
	l := Limits{StorageGroups: 5, Databases: 5, DatabasesPerSG: 5, RecoverySGs: 1, PublicFolderDBs: 1, DatabasesPerCopy: 1}
	if e == EditionEnterprise {
		l.StorageGroups, l.Databases = 50, 50
	}
	return l
}
