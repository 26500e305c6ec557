package transport

import (
	"strings"
	"time"

	"github.com/exdr/exdr/org"
)

// KindQueue marks a queue database's header.
const KindQueue org.DatabaseKind = 3

const (
	QueueFile   = "mail.que"
	QueuePrefix = "trn"
	// RetryInterval is how long a queue in Retry waits before transport
	// tries it again by itself; Retry-Queue tries it at once.
	RetryInterval = 10 * time.Minute
	// StoreOffline is the error a mailbox delivery queue shows while its
	// database is not mounted.
	StoreOffline = "432 4.3.2 STOREDRV; mailbox database is offline"
)

// Queues every transport server has, by next hop. Mailbox delivery
// queues are named by the Mailbox server they deliver to.
const (
	Submission  = "Submission"
	Unreachable = "Unreachable"
	Poison      = "Poison"
)

// Service is MSExchangeTransport on one server.
type Service struct {
	Running     bool   `json:"running"`
	QueuePath   string `json:"queue_database_path"`
	LoggingPath string `json:"queue_database_logging_path"`
	// NotAccepting is set while the server drains its queues: its
	// Receive connectors are disabled.
	NotAccepting bool `json:"not_accepting,omitempty"`
	// OwnAside is the folder its own queue database waits in while it
	// delivers another server's (host path); DrainingFrom names that
	// server.
	OwnAside     string `json:"own_aside,omitempty"`
	DrainingFrom string `json:"draining_from,omitempty"`
	// MovingTo and MovingLogsTo are written before a move renames any
	// file and cleared once the paths above name the new folders: a
	// kill between leaves the move on record, to be finished.
	MovingTo     string `json:"moving_to,omitempty"`
	MovingLogsTo string `json:"moving_logs_to,omitempty"`
}

// IsDeliveryQueue reports whether a queue name is a mailbox delivery queue.
func IsDeliveryQueue(name string) bool {
	return name != Submission && name != Unreachable && name != Poison
}

// DeliveryType is Get-Queue's DeliveryType for a queue.
func DeliveryType(name string) string {
	switch {
	case name == Submission || name == Poison:
		return "Undefined"
	case name == Unreachable:
		return "Unreachable"
	case strings.HasPrefix(name, InboundQueuePrefix):
		// An Edge's queue to its site's hubs, through the "EdgeSync -
		// Inbound to SITE" Send connector, whose smart hosts are the
		// hubs ("--"). Not verified in the corpus: written from how
		// the connector is made.
		return "SmartHostConnectorDelivery"
	case strings.HasPrefix(name, EdgeQueuePrefix):
		return "SmtpRelayWithinAdSiteToEdge"
	case strings.Contains(name, "."):
		return "DnsConnectorDelivery" // a domain: server names have no dots
	}
	return "MapiDelivery"
}

func QueueKey(name string) string { return strings.ToLower(name) }

func IsExternal(recipient string) bool { return strings.Contains(recipient, "@") }

func RecipientDomain(recipient string) string {
	return strings.ToLower(recipient[strings.LastIndexByte(recipient, '@')+1:])
}

// EdgeQueuePrefix names a hub's queue to a subscribed Edge server.
const EdgeQueuePrefix = "EdgeSync - "
