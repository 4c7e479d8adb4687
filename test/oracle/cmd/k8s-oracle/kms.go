package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	kmsservice "k8s.io/kms/pkg/service"
)

// localKMS is a KMS v2 plugin built on k8s.io/kms: it wraps the API server's DEK seeds with AES-GCM keys
// kept in memory. The current key can be changed (key rotation); old keys still decrypt.
type localKMS struct {
	mu      sync.Mutex
	current string
	keks    map[string]cipher.AEAD
}

func (k *localKMS) setKey(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.keks[id]; !ok {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return err
		}
		block, err := aes.NewCipher(secret)
		if err != nil {
			return err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return err
		}
		k.keks[id] = aead
	}
	k.current = id
	return nil
}

func (k *localKMS) Encrypt(_ context.Context, _ string, data []byte) (*kmsservice.EncryptResponse, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	aead := k.keks[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return &kmsservice.EncryptResponse{Ciphertext: aead.Seal(nonce, nonce, data, []byte(k.current)), KeyID: k.current}, nil
}

func (k *localKMS) Decrypt(_ context.Context, _ string, req *kmsservice.DecryptRequest) ([]byte, error) {
	k.mu.Lock()
	aead, ok := k.keks[req.KeyID]
	k.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("unknown key id %q", req.KeyID)
	}
	if len(req.Ciphertext) < aead.NonceSize() {
		return nil, errors.New("ciphertext too short")
	}
	n := aead.NonceSize()
	return aead.Open(nil, req.Ciphertext[:n], req.Ciphertext[n:], []byte(req.KeyID))
}

func (k *localKMS) Status(context.Context) (*kmsservice.StatusResponse, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return &kmsservice.StatusResponse{Version: "v2", Healthz: "ok", KeyID: k.current}, nil
}

var (
	kmsMu      sync.Mutex
	kmsServers = map[string]*kmsservice.GRPCService{}
	kmsPlugins = map[string]*localKMS{}
)

// opKMS starts a KMS v2 plugin on a unix socket (or, when it runs there already, switches its current
// key to keyId: key rotation).
func opKMS(req *request) (any, error) {
	if req.Socket == "" {
		return nil, errors.New("kms needs socket")
	}
	keyID := req.KeyID
	if keyID == "" {
		keyID = "key-1"
	}
	kmsMu.Lock()
	defer kmsMu.Unlock()
	if p, ok := kmsPlugins[req.Socket]; ok {
		return map[string]any{"keyId": keyID}, p.setKey(keyID)
	}
	p := &localKMS{keks: map[string]cipher.AEAD{}}
	if err := p.setKey(keyID); err != nil {
		return nil, err
	}
	_ = os.Remove(req.Socket)
	s := kmsservice.NewGRPCService(req.Socket, 5*time.Second, p)
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe() }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(req.Socket); err == nil {
			break
		}
		select {
		case err := <-errc:
			return nil, fmt.Errorf("KMS plugin on %s: %w", req.Socket, err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("KMS plugin did not listen on %s", req.Socket)
		}
	}
	kmsServers[req.Socket] = s
	kmsPlugins[req.Socket] = p
	return map[string]any{"keyId": keyID}, nil
}

func stopKMS() {
	kmsMu.Lock()
	defer kmsMu.Unlock()
	for sock, s := range kmsServers {
		s.Close()
		_ = os.Remove(sock)
	}
	kmsServers = map[string]*kmsservice.GRPCService{}
	kmsPlugins = map[string]*localKMS{}
}
