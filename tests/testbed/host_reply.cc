#include "tests/testbed/host_reply.h"

#include "tests/testbed/entropy.h"

namespace narrowscan::testbed {
namespace {

RenderContext ContextFor(const Population& population, const Host& host,
                         const ReplyRequest& request) {
  const Label& label = population.ProfileOf(host).label;
  RenderContext c;
  c.host_entropy = host.entropy;
  c.request_entropy = request.entropy;
  c.now = request.now;
  c.ip = host.ip_text;
  c.firmware = host.firmware;
  c.vendor = label.vendor;
  c.product = label.product;
  c.model = label.model;
  c.mac = host.mac;
  c.cseq = request.cseq;
  return c;
}

}  // namespace

void RenderReply(const Population& population, const Host& host, const PortSpec& port,
                 const ReplyRequest& request, std::string* out, std::string* scratch) {
  RenderContext c = ContextFor(population, host, request);
  if (IsServerFirst(port.protocol)) {
    port.greeting.RenderTo(c, out);
    return;
  }
  if (port.protocol == Protocol::kOpen) return;
  scratch->clear();
  c.request_entropy = Mix64(request.entropy, 0xb0d7);
  port.body.RenderTo(c, scratch);
  c.content_length = scratch->size();
  c.request_entropy = request.entropy;
  port.status.RenderTo(c, out);
  out->append("\r\n");
  for (size_t i = 0; i < port.headers.size(); ++i) {
    c.request_entropy = Mix64(request.entropy, i + 1);
    port.headers[i].RenderTo(c, out);
    out->append("\r\n");
  }
  out->append("\r\n");
  out->append(*scratch);
}

void RenderLineReply(const Population& population, const Host& host, const PortSpec& port,
                     const ReplyRequest& request, std::string* out) {
  port.reply.RenderTo(ContextFor(population, host, request), out);
}

}  // namespace narrowscan::testbed
