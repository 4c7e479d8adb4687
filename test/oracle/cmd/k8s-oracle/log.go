package main

import (
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// quietLogger keeps the etcd client's logs to errors on stderr (stdout carries the protocol).
func quietLogger() *zap.Logger {
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(zapcore.ErrorLevel)
	cfg.OutputPaths = []string{"stderr"}
	cfg.ErrorOutputPaths = []string{"stderr"}
	l, err := cfg.Build()
	if err != nil {
		return zap.NewNop()
	}
	return l
}
