package lab

import (
	"testing"

	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/providertest"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, func(t *testing.T) providers.Provider {
		l, err := Init(t.TempDir(), "Conformance")
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}
