package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A /proc/net/tcp excerpt: a listener on 127.0.0.1:8080 (1F90) with two
// accepted connections and one client socket towards it, and a TIME_WAIT
// socket towards port 8081 (1F91).
const tcpTable = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F90 0100007F:D432 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 20 4 30 10 -1
   4: 0100007F:9C40 0100007F:1F91 06 00000000:00000000 03:00000F9A 00000000     0        0 0 3 0000000000000000
`

func TestSockets(t *testing.T) {
	assert.Len(t, sockets([]byte(tcpTable), 8080, true, tcpEstablished), 2, "server side: local port")
	assert.Len(t, sockets([]byte(tcpTable), 8080, false, tcpEstablished), 1, "client side: remote port")
	tw := sockets([]byte(tcpTable), 8081, false, tcpTimeWait)
	assert.Equal(t, map[string]bool{"0100007F:9C40 0100007F:1F91": true}, tw)
	assert.Empty(t, sockets(nil, 8080, true, tcpEstablished))
	assert.Equal(t, 0, newIn(tw, tw))
	assert.Equal(t, 1, newIn(nil, tw))
}
