package main

import (
	"os"

	"github.com/exdr/exdr/internal/command"
)

func main() {
	os.Exit(command.Main())
}
