// k8s-oracle stores and reads Kubernetes objects exactly as kube-apiserver does, for etcd Studio's tests:
// client-go's scheme with apimachinery's serializers (protobuf for built-in kinds, JSON and CBOR for custom
// resources), k8s.io/apiserver's etcd3 storage and its EncryptionConfiguration transformers, writing into a
// real etcd. It is a long-lived helper driven over stdio: one JSON request per line on stdin, one JSON
// response per line on stdout, in order. Logs go to stderr.
//
// Request:  {"id": 1, "op": "fuzz", ...parameters}
// Response: {"id": 1, ...result} or {"id": 1, "error": "..."}
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
)

type request struct {
	ID int    `json:"id"`
	Op string `json:"op"`

	// kinds and objects
	Kinds  []gvk           `json:"kinds,omitempty"`
	Kind   *gvk            `json:"kind,omitempty"`
	Seeds  []int64         `json:"seeds,omitempty"`
	Object json.RawMessage `json:"object,omitempty"`
	Data   []byte          `json:"data,omitempty"`
	Format string          `json:"format,omitempty"`

	// storage
	Endpoints        []string          `json:"endpoints,omitempty"`
	EncryptionConfig string            `json:"encryptionConfig,omitempty"`
	Key              string            `json:"key,omitempty"`
	Resource         string            `json:"resource,omitempty"`
	Prefix           string            `json:"prefix,omitempty"`
	ResourceVersion  string            `json:"resourceVersion,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`

	// KMS plugin and benchmarks
	Socket string   `json:"socket,omitempty"`
	KeyID  string   `json:"keyId,omitempty"`
	Items  [][]byte `json:"items,omitempty"`
	Rounds int      `json:"rounds,omitempty"`
}

type handler func(req *request) (any, error)

var ops = map[string]handler{
	"info":     opInfo,
	"kinds":    opKinds,
	"compat":   opCompat,
	"connect":  opConnect,
	"fuzz":     opFuzz,
	"create":   opCreate,
	"get":      opGet,
	"update":   opUpdate,
	"encode":   opEncode,
	"decode":   opDecode,
	"kms":      opKMS,
	"bench":    opBench,
	"shutdown": opShutdown,
}

func opInfo(*request) (any, error) {
	versions := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		versions["go"] = bi.GoVersion
		for _, d := range bi.Deps {
			switch d.Path {
			case "k8s.io/api", "k8s.io/apimachinery", "k8s.io/apiserver", "k8s.io/client-go", "k8s.io/kms", "go.etcd.io/etcd/client/v3":
				versions[d.Path] = d.Version
			}
		}
	}
	return map[string]any{"versions": versions, "kinds": len(allKinds())}, nil
}

func opShutdown(*request) (any, error) {
	closeStores()
	stopKMS()
	return map[string]any{}, nil
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			var req request
			var resp any
			if jerr := json.Unmarshal(line, &req); jerr != nil {
				resp = map[string]any{"id": 0, "error": fmt.Sprintf("bad request: %v", jerr)}
			} else {
				resp = handle(&req)
			}
			if werr := enc.Encode(resp); werr != nil {
				fmt.Fprintf(os.Stderr, "k8s-oracle: cannot write a response: %v\n", werr)
				os.Exit(1)
			}
			_ = out.Flush()
			if req.Op == "shutdown" {
				return
			}
		}
		if err != nil { // stdin closed: the test process is gone
			closeStores()
			stopKMS()
			return
		}
	}
}

func handle(req *request) (resp map[string]any) {
	defer func() {
		if p := recover(); p != nil {
			resp = map[string]any{"id": req.ID, "error": fmt.Sprintf("panic in %s: %v\n%s", req.Op, p, debug.Stack())}
		}
	}()
	h, ok := ops[req.Op]
	if !ok {
		return map[string]any{"id": req.ID, "error": fmt.Sprintf("unknown op %q", req.Op)}
	}
	result, err := h(req)
	if err != nil {
		return map[string]any{"id": req.ID, "error": err.Error()}
	}
	m := map[string]any{"id": req.ID}
	if r, ok := result.(map[string]any); ok {
		for k, v := range r {
			m[k] = v
		}
	} else {
		m["result"] = result
	}
	return m
}
