package providertest

import (
	"context"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

var _ providers.Provider = (*Fake)(nil)

// Fake is a provider whose behaviour is its fields. A nil field makes
// its method do nothing (Read returns an empty organization).
type Fake struct {
	ReadFunc  func(ctx context.Context) (*org.Org, error)
	ApplyFunc func(ctx context.Context, step *providers.Step, progress providers.Progress) error
}

func (f *Fake) Read(ctx context.Context) (*org.Org, error) {
	if f.ReadFunc == nil {
		return &org.Org{}, nil
	}
	return f.ReadFunc(ctx)
}

func (f *Fake) Apply(ctx context.Context, step *providers.Step, progress providers.Progress) error {
	if f.ApplyFunc == nil {
		return nil
	}
	return f.ApplyFunc(ctx, step, progress)
}
