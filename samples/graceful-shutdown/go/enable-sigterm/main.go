// enable-sigterm: aws-lambda-go's lambda.WithEnableSIGTERM option.
//
// The option installs a SIGTERM handler that runs the given callbacks, and registers an
// internal extension ("GoLangEnableSIGTERM", subscribed to no events) with the Extensions
// API. Because an extension is registered, Lambda sends the runtime SIGTERM at shutdown
// with no layer at all.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	"github.com/aws/aws-lambda-go/lambda"
)

type response struct {
	Message   string `json:"message"`
	Function  string `json:"function"`
	GoVersion string `json:"goVersion"`
	Arch      string `json:"architecture"`
}

func handler(ctx context.Context, event json.RawMessage) (response, error) {
	fmt.Println("[handler] invoked")
	return response{
		Message:   "hello from enable-sigterm",
		Function:  os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
		GoVersion: runtime.Version(),
		Arch:      runtime.GOARCH,
	}, nil
}

// onSIGTERM runs on the library's signal goroutine. The library does not exit after its
// callbacks, so the process would otherwise stay up until Lambda's SIGKILL; exiting here
// ends the runtime as soon as cleanup is done.
func onSIGTERM() {
	fmt.Println("[runtime] SIGTERM received")
	fmt.Println("[runtime] Graceful shutdown in progress ...")
	// Flush buffers, close connections, etc. here.
	fmt.Println("[runtime] Graceful shutdown completed")
	os.Exit(0)
}

func main() {
	lambda.StartWithOptions(handler, lambda.WithEnableSIGTERM(onSIGTERM))
}
