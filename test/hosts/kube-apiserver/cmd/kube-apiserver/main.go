// kube-apiserver built from k8s.io/kubernetes (its staging modules pinned by the replace directives in
// go.mod), so the tests can check that what etcd Studio writes is served by the real API server.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
