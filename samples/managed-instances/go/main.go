// A provided.al2023 function for Lambda Managed Instances: aws-lambda-go (v1.51 and later) starts
// AWS_LAMBDA_MAX_CONCURRENCY goroutines, each polling /next, when that variable is above 1. The
// handler waits sleepMs (or until its deadline) and says who ran it.
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	SleepMs int `json:"sleepMs"`
}

type answer struct {
	Pid            int    `json:"pid"`
	LogStream      string `json:"logStream"` // one per execution environment
	RequestID      string `json:"requestId"`
	TenantID       string `json:"tenantId"`
	MaxConcurrency string `json:"maxConcurrency"`
	StartedAt      int64  `json:"startedAt"`
	FinishedAt     int64  `json:"finishedAt"`
}

func handle(ctx context.Context, e event) (answer, error) {
	started := time.Now().UnixMilli()
	select {
	case <-time.After(time.Duration(e.SleepMs) * time.Millisecond):
	case <-ctx.Done():
	}
	var requestID, tenantID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID, tenantID = lc.AwsRequestID, lc.TenantID
	}
	return answer{
		Pid:            os.Getpid(),
		LogStream:      lambdacontext.LogStreamName,
		RequestID:      requestID,
		TenantID:       tenantID,
		MaxConcurrency: os.Getenv("AWS_LAMBDA_MAX_CONCURRENCY"),
		StartedAt:      started,
		FinishedAt:     time.Now().UnixMilli(),
	}, nil
}

func main() {
	lambda.Start(handle)
}
