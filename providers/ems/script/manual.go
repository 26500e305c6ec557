package script

import (
	"fmt"
	"strings"

	"github.com/exdr/exdr/providers"
)

// setup is Setup.com as PowerShell runs it from the folder of the
// Exchange 2007 media: PowerShell does not look for a command in the
// current folder, so a bare Setup.com is "not recognized"
// (about_Command_Search, PowerShell 1.0). The commands are PowerShell's, as their
// quoted values ('CMS1') are.
const setup = `.\Setup.com`

// createServer is Setup on the machine: a person runs it there. A new
// server is installed with its roles; a failed one whose Active
// Directory object remains is rebuilt with /m:RecoverServer, which reads
// its roles from there (How to Recover a Lost Exchange Server,
// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/bb123496(v=exchg.80)).
func (b *Builder) createServer(step *providers.Step) (*Script, error) {
	a := step.Args
	server := a["server"]
	var p string
	switch a["setup"] {
	case "new_cms", "recover_cms", "cluster_node":
		return b.clusterSetup(step)
	case "recover_server":
		p = b.show(setup + " /m:RecoverServer")
		b.at("on a new machine named %s with the same drive letters and service pack, after resetting (not deleting) its computer account", server)
	case "resume":
		p = b.show(setup+" /mode:Install /roles:%s", setupRoles(a["roles"]))
		b.at("on %s: Setup resumes where it stopped", server)
	default:
		p = b.show(setup+" /mode:Install /roles:%s", setupRoles(a["roles"]))
		b.at("on a machine named %s", server)
	}
	return manual(step.Verb, fmt.Sprintf("Build the server %s: %s (%s). Reason: %s.", server, p, b.where, step.Reason),
		fmt.Sprintf("Get-ExchangeServer -Identity %s lists the roles %s.", b.q(server), a["roles"])), b.err
}

// setupRoles names roles as Setup.com's /roles switch does.
func setupRoles(roles string) string {
	names := map[string]string{"mailbox": "Mailbox", "client_access": "ClientAccess", "hub_transport": "HubTransport",
		"unified_messaging": "UnifiedMessaging", "edge_transport": "EdgeTransport"}
	var out []string
	for _, r := range strings.Split(roles, ",") {
		if n, ok := names[strings.TrimSpace(r)]; ok {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// restoreBackup is the site's backup software putting the files back: a
// person does it, told where.
func (b *Builder) restoreBackup(step *providers.Step) (*Script, error) {
	a, id := step.Args, string(step.Identity)
	sg := storageGroupOf(id)
	if a["backup_of"] != "" {
		sg = a["backup_of"] // a restore into a recovery storage group: the backup is of production's
	}
	if a["method"] == "vss" {
		b.at("with the VSS backup software: restore %s of %s (database file and logs) to its original location, not mounted; the damaged file is moved to an exdr-aside folder beside it first", setsOf(a), sg)
		return manual(step.Verb, fmt.Sprintf("Restore %s of %s with the site's VSS backup software to the original location (the database file and its logs), after moving the damaged files into an exdr-aside folder beside them. Do not let it mount the database: exdr runs soft recovery next.", a["sets"], serverOf(id)),
			"eseutil /mh on the restored file shows the restored header (Dirty Shutdown, its logs required)."), nil
	}
	// A streaming restore writes the restored logs and restore.env into
	// <temporary location>\<storage group name>; hard recovery runs
	// there (How to Run Eseutil /C):
	// https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998303(v=exchg.80)
	temp := ""
	if a["temp_folder"] != "" {
		temp = fmt.Sprintf(" In its restore options, give this temporary location for log and patch files: %s (restore.env and the restored logs go into %s), and leave Last Restore Set cleared: exdr runs hard recovery next.",
			a["temp_folder"], a["restore_env_folder"])
	}
	if a["into"] == "recovery_storage_group" {
		// Exchange sends the restore into the recovery storage group
		// that is there for the database: production is not touched,
		// and nothing of it is moved.
		b.at("with the backup software: restore %s of %s, temporary location for log and patch files %s; with a recovery storage group present, the restore goes into it", setsOf(a), sg, a["temp_folder"])
		return manual(step.Verb, fmt.Sprintf("Restore %s with the site's backup software to its original location: with the recovery storage group in place, Exchange writes it into %s, not over the production database; move nothing of the production database.%s", a["sets"], id, temp),
			"eseutil /mh on the recovery database's file shows the restored header; restore.env is in the restore folder."), nil
	}
	b.at("with the backup software: restore %s of %s to its original location, temporary location for log and patch files %s, Last Restore Set cleared; the damaged file is moved to an exdr-aside folder beside it first", setsOf(a), sg, a["temp_folder"])
	return manual(step.Verb, fmt.Sprintf("Restore %s of %s with the site's backup software to the original location, after moving the damaged files into an exdr-aside folder beside them. Do not let it mount the database.%s", a["sets"], serverOf(id), temp),
		"eseutil /mh on the restored file shows the restored header; restore.env is in the restore folder."), nil
}

// setsOf names a restore's backup sets as the plan shows them: with their
// types and times where the planner wrote them.
func setsOf(a map[string]string) string {
	if d := a["sets_described"]; d != "" {
		return d
	}
	return a["sets"]
}

// clusterSetup is Setup.com on the nodes of a failover cluster: a new
// clustered mailbox server (/NewCms on the active node, the passive role
// on the other), one recovered on a new cluster after all its nodes were
// lost (/RecoverCMS), or a lost node rebuilt with the passive role. Setup
// runs on each node's console, never remotely; the cluster itself (its
// nodes joined, a file share witness) is Windows', formed first. The
// switches are those of "How to Install Exchange 2007 in Unattended
// Mode" (aa997281); /RecoverCMS keeps the server's name and takes the
// nodes of the new cluster into RedundantMachines ("How to Use Setup
// /ClearLocalCMS", 4e2c53e9). The server's IP address is the site's:
// exdr does not hold it.
func (b *Builder) clusterSetup(step *providers.Step) (*Script, error) {
	a := step.Args
	server := a["server"]
	nodes := strings.Split(a["nodes"], ",")
	// Its IP address, when declared; otherwise the switch is left out of
	// the command and the text says to add it.
	ip, giveIP := "", " (add /CMSIPAddress: with its IPv4 address; declare ip_address to have it written here)"
	if a["ip_address"] != "" {
		ip, giveIP = " /CMSIPAddress:"+b.q(a["ip_address"]), ""
	}
	var what string
	switch a["setup"] {
	case "new_cms":
		active := b.show(setup+" /mode:Install /roles:Mailbox /NewCms /CMSName:%s%s", b.q(server), ip) + giveIP
		passive := b.show(setup + " /mode:Install /roles:Mailbox")
		b.at("on the failover cluster of %s, formed first; the second command on each other node", strings.Join(nodes, " and "))
		what = fmt.Sprintf("Form the failover cluster of %s (Windows), then on %s run in PowerShell %s, and on %s run %s (the passive clustered mailbox role)",
			strings.Join(nodes, " and "), nodes[0], active, strings.Join(nodes[1:], " and "), passive)
	case "recover_cms":
		passive := b.show(setup + " /mode:Install /roles:Mailbox")
		recover := b.show(setup+" /RecoverCMS /CMSName:%s%s", b.q(server), ip) + giveIP
		b.at("on the nodes of a new failover cluster, %s; every old node still present is cleared first with .\\Setup.com /ClearLocalCMS on its console", strings.Join(nodes, " and "))
		what = fmt.Sprintf("Every node of %s is lost. Form a new failover cluster of %s (Windows); on any old node still present run .\\Setup.com /ClearLocalCMS with %s offline; install the passive clustered mailbox role on each new node (%s), then on %s run in PowerShell %s. Its databases come back from their copies or backups in the steps after this one",
			server, strings.Join(nodes, " and "), server, passive, nodes[0], recover)
	default:
		node := a["node"]
		passive := b.show(setup + " /mode:Install /roles:Mailbox")
		b.at("on %s, rebuilt and joined to the failover cluster again", node)
		what = fmt.Sprintf("Rebuild the node %s of %s: reinstall Windows with the same name, join it to the failover cluster again, then on it run %s (the passive clustered mailbox role). Its copies are seeded in the steps after this one",
			node, server, passive)
	}
	return manual(step.Verb, fmt.Sprintf("%s (%s). Reason: %s.", what, b.where, step.Reason),
		fmt.Sprintf("Get-ClusteredMailboxServerStatus -Identity %s shows it Online, with its nodes in OperationalMachines.", b.q(server))), b.err
}
