// IVS Chat's messaging WebSocket, as the Chat Messaging SDK speaks it: the chat token is
// the WebSocket subprotocol; requests SEND_MESSAGE / DELETE_MESSAGE / DISCONNECT_USER;
// MESSAGE, EVENT (aws:DELETE_MESSAGE, aws:DISCONNECT_USER) and ERROR come back.
// Shared by the viewer app and the studio: each page serves this folder as ./shared/.

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
    if (data.Type === "MESSAGE") this.handlers.onMessage?.(data, this._settle(data.RequestId));
    else if (data.Type === "EVENT") this.handlers.onEvent?.(data);
    else if (data.Type === "ERROR") this.handlers.onError?.(data, this._settle(data.RequestId));
  }

  // The request an answer is about (only its sender gets a RequestId back).
  _settle(requestId) {
    const request = requestId ? this.pending.get(requestId) : undefined;
    if (request) this.pending.delete(requestId);
    return request;
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

// Why IVS Chat did not take a message (its ERROR codes), in a sender's words.
export function notSent(errorCode) {
  return {
    406: "not sent: it breaks the chat rules",
    429: "not sent: too many messages, slow down",
    413: "not sent: too long",
    403: "not sent: this chat token may not send",
  }[errorCode] || `not sent (IVS Chat error ${errorCode})`;
}
