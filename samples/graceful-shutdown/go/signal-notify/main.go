// signal-notify: the function catches SIGTERM itself with os/signal.
//
// Lambda sends the runtime SIGTERM at shutdown only when at least one extension is
// registered (here: an external one, e.g. the Lambda Insights layer in template.yaml, or
// lambda-emu's --extension). With no extension the runtime is simply SIGKILLed, so the
// goroutine below never runs.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"
)

// init runs during the Init phase, before lambda.Start asks for the first event.
func init() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-signals
		if sig == syscall.SIGTERM {
			fmt.Println("[runtime] SIGTERM received")
		} else {
			fmt.Printf("[runtime] %v received\n", sig)
		}
		fmt.Println("[runtime] Graceful shutdown in progress ...")
		// Flush buffers, close connections, etc. here.
		fmt.Println("[runtime] Graceful shutdown completed")
		os.Exit(0)
	}()
}

type response struct {
	Message   string `json:"message"`
	Function  string `json:"function"`
	GoVersion string `json:"goVersion"`
	Arch      string `json:"architecture"`
}

func handler(ctx context.Context, event json.RawMessage) (response, error) {
	fmt.Println("[handler] invoked")
	return response{
		Message:   "hello from signal-notify",
		Function:  os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
		GoVersion: runtime.Version(),
		Arch:      runtime.GOARCH,
	}, nil
}

func main() {
	lambda.Start(handler)
}
