// IVS Chat's messaging WebSocket, as the Chat Messaging SDK speaks it: the chat token is
// the WebSocket subprotocol; requests SEND_MESSAGE / DELETE_MESSAGE / DISCONNECT_USER;
// MESSAGE, EVENT (aws:DELETE_MESSAGE, aws:DISCONNECT_USER) and ERROR come back.

export class ChatRoom {
  constructor(url, token, handlers) {
    this.handlers = handlers;
    this.pending = new Map();
    this.socket = new WebSocket(url, token);
    this.socket.onopen = () => handlers.onOpen?.();
    this.socket.onclose = (event) => handlers.onClose?.(event.code, event.reason);
    this.socket.onmessage = (event) => this._receive(JSON.parse(event.data));
  }

  _receive(data) {
    if (data.Type === "MESSAGE") this.handlers.onMessage?.(data);
    else if (data.Type === "EVENT") this.handlers.onEvent?.(data);
    else if (data.Type === "ERROR") this.handlers.onError?.(data, this.pending.get(data.RequestId));
  }

  send(content) {
    const request = { Action: "SEND_MESSAGE", RequestId: crypto.randomUUID(), Content: content };
    this.pending.set(request.RequestId, request);
    this.socket.send(JSON.stringify(request));
    return request.RequestId;
  }

  deleteMessage(id, reason) {
    this.socket.send(JSON.stringify({ Action: "DELETE_MESSAGE", RequestId: crypto.randomUUID(), Id: id, Reason: reason }));
  }

  close() { this.socket.close(1000); }
}
