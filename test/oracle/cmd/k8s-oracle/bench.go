package main

import (
	"bytes"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
)

// opBench times apimachinery's protobuf serializer on the given stored values (k8s protobuf envelopes):
// decode into Go structs, encode them back, and decode + kube JSON (what a reader that shows JSON does).
// Each phase runs `rounds` times over all items (after one warm-up round); the total time is reported.
func opBench(req *request) (any, error) {
	rounds := req.Rounds
	if rounds <= 0 {
		rounds = 5
	}
	objs := make([]runtime.Object, len(req.Items))
	total := 0
	for i, data := range req.Items {
		obj, _, err := pbSerializer.Decode(data, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		objs[i] = obj
		total += len(data)
	}
	timed := func(f func() error) (time.Duration, error) {
		if err := f(); err != nil { // warm-up
			return 0, err
		}
		start := time.Now()
		for r := 0; r < rounds; r++ {
			if err := f(); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	decode, err := timed(func() error {
		for _, data := range req.Items {
			if _, _, err := pbSerializer.Decode(data, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	decodeJSON, err := timed(func() error {
		for _, data := range req.Items {
			obj, _, err := pbSerializer.Decode(data, nil, nil)
			if err != nil {
				return err
			}
			buf.Reset()
			if err := jsonSerializer.Encode(obj, &buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	encode, err := timed(func() error {
		for _, obj := range objs {
			buf.Reset()
			if err := pbSerializer.Encode(obj, &buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"objects": len(req.Items), "bytes": total, "rounds": rounds,
		"decodeNs": decode.Nanoseconds(), "decodeJsonNs": decodeJSON.Nanoseconds(), "encodeNs": encode.Nanoseconds(),
	}, nil
}
