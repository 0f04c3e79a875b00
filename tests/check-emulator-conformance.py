#!/usr/bin/env python3
"""Conformance of the cloud emulator to the SORACOM OpenAPI specs (TAP).

Starts the built cloud-emulator on a free loopback port, drives every
implemented operation (successes and refusals), and checks each answer:
- a success status must be one the operation declares, and its JSON body
  must match the declared response schema ($ref resolved; required fields,
  types, enums, nested objects, arrays, additionalProperties, oneOf);
- an error status carries {"code": "...", "message": "..."};
- the metadata service and /_emulator/state show Subscriber objects.

usage: check-emulator-conformance.py EMULATOR SPEC_DIR
Known departures are listed, with reasons, in tests/data/emulator/spec-allowances.json.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import http.server
import urllib.error
import urllib.request

try:
    import yaml
except ImportError:
    print('1..1\nnot ok 1 - python3-yaml is missing (./run deps installs it)')
    sys.exit(1)

EMULATOR, SPEC_DIR = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
ALLOW = json.load(open(os.path.join(HERE, 'data', 'emulator', 'spec-allowances.json')))
KEY_ID = 'keyId-emulator-0000000000000000000000'
KEY = 'secret-emulator-0000000000000000000000000000000000000000000000000000'
LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


def load(name):
    with open(os.path.join(SPEC_DIR, name), encoding='utf-8') as f:
        return yaml.load(f, Loader=LOADER)


SPECS = [load('soracom-api.en.yaml'), load('soracom-sandbox-api.en.yaml')]
OPS = []  # (method, regex, operationId, operation, spec)
for spec in SPECS:
    for path, item in spec['paths'].items():
        rx = re.compile('^' + re.sub(r'\\\{[^}]+\\\}', '[^/]+', re.escape(path)) + '$')
        for method, op in item.items():
            if isinstance(op, dict) and 'operationId' in op:
                OPS.append((method.upper(), rx, path, op, spec))
# literal paths first (/subscribers/export before /subscribers/{imsi})
OPS.sort(key=lambda o: o[2].count('{'))


def find_op(method, path):
    for m, rx, _, op, spec in OPS:
        if m == method and rx.match(path):
            return op, spec
    return None, None


def resolve(schema, spec):
    seen = 0
    while isinstance(schema, dict) and '$ref' in schema and seen < 20:
        name = schema['$ref'].split('/')[-1]
        schema = dict(spec['components']['schemas'][name], _name=name)
        seen += 1
    return schema


def validate(value, schema, spec, where, errors, name=None):
    """Appends to errors every way value departs from schema."""
    schema = resolve(schema, spec)
    name = schema.get('_name', name)
    if 'oneOf' in schema or 'anyOf' in schema:
        alts = schema.get('oneOf') or schema.get('anyOf')
        if not any(not validate_collect(value, a, spec, where) for a in alts):
            errors.append(f'{where}: matches none of the alternatives')
        return
    if value is None:
        if not schema.get('nullable'):
            errors.append(f'{where}: null where {schema.get("type", "a value")} is expected')
        return
    t = schema.get('type') or ('object' if 'properties' in schema else None)
    ok = {
        'object': isinstance(value, dict),
        'array': isinstance(value, list),
        'string': isinstance(value, str),
        'integer': isinstance(value, int) and not isinstance(value, bool),
        'number': isinstance(value, (int, float)) and not isinstance(value, bool),
        'boolean': isinstance(value, bool),
        None: True,
    }.get(t, True)
    if not ok:
        errors.append(f'{where}: {type(value).__name__} where {t} is expected')
        return
    if 'enum' in schema:
        allowed = list(schema['enum'])
        ext = ALLOW['enum_extensions'].get(f'{name}.{where.split(".")[-1]}')
        if ext:
            allowed += ext['values']
        if value not in allowed:
            errors.append(f'{where}: {value!r} not in {allowed}')
    if t == 'object' or isinstance(value, dict) and 'properties' in schema:
        props = schema.get('properties', {})
        for req in schema.get('required', []):
            if req not in value:
                errors.append(f'{where}: required field {req} missing')
        extra = schema.get('additionalProperties')
        for k, v in value.items():
            if k in props:
                validate(v, props[k], spec, f'{where}.{k}', errors, name)
            elif isinstance(extra, dict):
                validate(v, extra, spec, f'{where}[{k}]', errors, name)
    if t == 'array' and 'items' in schema:
        for i, v in enumerate(value):
            validate(v, schema['items'], spec, f'{where}[{i}]', errors, name)


def validate_collect(value, schema, spec, where):
    errs = []
    validate(value, schema, spec, where, errs)
    return errs


class BeamTarget(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('content-length') or 0))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class Emulator:
    def __init__(self, tmp):
        beam = http.server.HTTPServer(('127.0.0.1', 0), BeamTarget)
        threading.Thread(target=beam.serve_forever, daemon=True).start()
        self.beam = beam
        psk = os.path.join(tmp, 'psk')
        with open(psk, 'w') as f:
            f.write('conformance-psk\n')
        self.proc = subprocess.Popen(
            [EMULATOR, '--port', '0', '--seed', '5', '--state', os.path.join(tmp, 'state.json'),
             '--beam-target', f'http://127.0.0.1:{beam.server_port}/', '--beam-psk', psk],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith('listening http://127.0.0.1:'):
            raise SystemExit(f'emulator did not start: {line!r}')
        self.base = line.split(' ', 1)[1]
        self.key = self.token = None
        self.results = {}  # operationId -> list of problems
        self.statuses = {}  # operationId -> set of statuses seen

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.beam.shutdown()

    def raw(self, method, path, body=None, headers=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        if self.token and path.startswith('/v1/') and path != '/v1/auth':
            req.add_header('X-Soracom-API-Key', self.key)
            req.add_header('X-Soracom-Token', self.token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def api(self, method, path, body=None, expect=None):
        """One API call, checked against the spec; returns (status, json)."""
        status, raw, _ = self.raw(method, path, body)
        bare = path.split('?')[0][len('/v1'):]
        op, spec = find_op(method, bare)
        op_id = op['operationId'] if op else 'requests the spec has no operation for'
        problems = self.results.setdefault(op_id, [])
        self.statuses.setdefault(op_id, set()).add(status)
        text = raw.decode('utf-8', 'replace')
        try:
            doc = json.loads(text) if text.strip() else None
        except ValueError:
            doc = None
            if status != 204:
                problems.append(f'{status}: body is not JSON: {text[:80]!r}')
        if expect is not None and status != expect:
            problems.append(f'{method} {path}: status {status}, expected {expect}: {text[:200]}')
        if status >= 400:
            if not (isinstance(doc, dict) and isinstance(doc.get('code'), str)
                    and isinstance(doc.get('message'), str)):
                problems.append(f'{status}: error body is not {{"code","message"}}: {text[:80]!r}')
            return status, doc
        if op is None:
            problems.append(f'{method} {bare}: no such operation in the spec')
            return status, doc
        declared = op.get('responses', {})
        if str(status) not in declared:
            problems.append(f'{status}: not a status the spec declares ({sorted(declared)})')
            return status, doc
        content = (declared[str(status)].get('content') or {}).get('application/json')
        if content and 'schema' in content and status != 204:
            problems.extend(validate_collect(doc, content['schema'], spec, op_id))
        return status, doc

    def check_schema(self, label, doc, schema):
        problems = self.results.setdefault(label, [])
        problems.extend(validate_collect(doc, {'$ref': '#/components/schemas/' + schema}, SPECS[0],
                                         schema))

    def check_subscriber(self, label, doc):
        spec = SPECS[0]
        problems = self.results.setdefault(label, [])
        problems.extend(validate_collect(doc, {'$ref': '#/components/schemas/Subscriber'}, spec,
                                         'Subscriber'))


def drive(e):
    """Every implemented operation, successes and refusals."""
    e.api('POST', '/v1/auth', {'authKeyId': KEY_ID, 'authKey': 'wrong'}, 401)
    _, a = e.api('POST', '/v1/auth', {'authKeyId': KEY_ID, 'authKey': KEY}, 200)
    e.key, e.token = a['apiKey'], a['token']
    _, subs = e.api('GET', '/v1/subscribers?limit=10', None, 200)
    imsis = [s['imsi'] for s in subs]
    e.api('GET', '/v1/subscribers?limit=5&status_filter=ready&tag_name=a&tag_value=b', None, 200)
    e.api('GET', '/v1/subscribers?limit=500', None, 400)
    a0, a1, a2, a3, a4 = imsis[:5]
    e.api('GET', f'/v1/subscribers/{a0}', None, 200)
    e.api('GET', '/v1/subscribers/001010000000000', None, 404)
    e.api('PUT', f'/v1/subscribers/{a0}/tags', [{'tagName': 'device_id', 'tagValue': 'DEV-1'},
                                                 {'tagName': 'a b', 'tagValue': 'x'}], 200)
    e.api('PUT', f'/v1/subscribers/{a0}/tags', [{'tagName': 'x'}], 400)
    e.api('DELETE', f'/v1/subscribers/{a0}/tags/a%20b', None, 204)
    e.api('DELETE', f'/v1/subscribers/{a0}/tags/a%20b', None, 404)
    # traffic, IMEI lock, session, standby
    imei = '490154203237518'
    e.raw('POST', '/air/attach', headers={'X-Emulated-IMSI': a0, 'X-Emulated-IMEI': imei})
    st, meta = e.raw('GET', '/metadata/v1/subscriber', headers={'X-Emulated-IMSI': a0,
                                                                 'X-Emulated-IMEI': imei})[:2]
    e.check_subscriber('metadata service GET /v1/subscriber', json.loads(meta))
    e.raw('POST', '/beam/DEV-1/register', b'{}', {'X-Emulated-IMSI': a0, 'X-Emulated-IMEI': imei})
    e.api('POST', f'/v1/subscribers/{a0}/set_imei_lock', {}, 200)
    e.api('POST', f'/v1/subscribers/{a1}/set_imei_lock', {'imei': imei}, 200)
    e.api('POST', f'/v1/subscribers/{a2}/set_imei_lock', {}, 400)
    e.api('POST', f'/v1/subscribers/{a1}/unset_imei_lock', None, 200)
    e.api('POST', f'/v1/subscribers/{a0}/set_to_standby', None, 400)
    e.api('POST', f'/v1/subscribers/{a0}/delete_session', None, 200)
    e.api('POST', f'/v1/subscribers/{a0}/delete_session', None, 400)
    e.api('POST', f'/v1/subscribers/{a0}/set_to_standby', None, 200)
    e.api('POST', f'/v1/subscribers/{a1}/activate', None, 200)
    e.api('POST', f'/v1/subscribers/{a1}/deactivate', None, 200)
    e.api('POST', f'/v1/subscribers/{a2}/suspend', None, 200)
    # groups
    _, g = e.api('POST', '/v1/groups', {'tags': {'name': 'conf-1'},
                                        'configuration': {'SoracomAir': {'metadata': {'enabled': True}}}},
                 201)
    gid = g['groupId']
    e.api('POST', '/v1/groups', {'tags': {'name': 3}}, 400)
    e.api('GET', '/v1/groups?limit=1', None, 200)
    e.api('GET', '/v1/groups?tag_name=name&tag_value=conf-1', None, 200)
    e.api('GET', '/v1/groups?limit=0', None, 400)
    e.api('GET', f'/v1/groups/{gid}', None, 200)
    e.api('GET', '/v1/groups/no-such-group', None, 404)
    e.api('PUT', f'/v1/groups/{gid}/tags', [{'tagName': 'batch', 'tagValue': 'B1'}], 200)
    e.api('PUT', f'/v1/groups/{gid}/tags', [{'tagName': 'batch'}], 400)
    e.api('DELETE', f'/v1/groups/{gid}/tags/batch', None, 204)
    e.api('DELETE', f'/v1/groups/{gid}/tags/batch', None, 404)
    e.api('PUT', f'/v1/groups/{gid}/configuration/SoracomAir',
          [{'key': 'vpgId', 'value': 'vpg-1'}, {'key': 'userdata', 'value': 'x'}], 200)
    e.api('PUT', f'/v1/groups/{gid}/configuration/SoracomAir', [{'key': 'vpgId'}], 400)
    e.api('PUT', '/v1/groups/no-such-group/configuration/SoracomAir', [], 404)
    e.api('DELETE', f'/v1/groups/{gid}/configuration/SoracomAir/userdata', None, 204)
    e.api('DELETE', f'/v1/groups/{gid}/configuration/SoracomAir/userdata', None, 404)
    e.api('POST', f'/v1/subscribers/{a3}/set_group', {'groupId': 'no-such-group'}, 404)
    e.api('POST', f'/v1/subscribers/{a3}/set_group', {'groupId': gid}, 200)
    e.api('GET', f'/v1/groups/{gid}/subscribers?limit=1', None, 200)
    e.api('GET', '/v1/groups/no-such-group/subscribers', None, 404)
    e.api('DELETE', f'/v1/groups/{gid}', None, 400)
    # event handlers, emulated traffic firing them, Air stats
    hook = f'http://127.0.0.1:{e.beam.server_port}/hook'
    handler = {
        'name': 'first use', 'status': 'active', 'targetGroupId': gid,
        'ruleConfig': {'type': 'SubscriberFirstTrafficRule',
                       'properties': {'inactiveTimeoutDateConst': 'NEVER'}},
        'actionConfigList': [{'type': 'ExecuteWebRequestAction', 'properties': {
            'executionDateTimeConst': 'IMMEDIATELY', 'url': hook, 'httpMethod': 'POST',
            'contentType': 'application/json', 'headers': {'X-Secret': 's'},
            'body': '{"imsi":"${imsi}"}'}}]}
    _, h = e.api('POST', '/v1/event_handlers', handler, 201)
    hid = h['handlerId']
    e.api('POST', '/v1/event_handlers', dict(handler, ruleConfig={'type': 'NoRule'}), 400)
    daily = dict(handler, name='cap', targetGroupId=None, targetImsi=a3,
                 ruleConfig={'type': 'SubscriberDailyTrafficRule',
                             'properties': {'inactiveTimeoutDateConst': 'BEGINNING_OF_NEXT_DAY',
                                            'limitTotalTrafficMegaByte': '1'}},
                 actionConfigList=[{'type': 'ChangeSpeedClassAction', 'properties': {
                     'executionDateTimeConst': 'IMMEDIATELY', 'speedClass': 's1.minimum'}}])
    del daily['targetGroupId']
    _, h2 = e.api('POST', '/v1/event_handlers', daily, 201)
    e.api('GET', '/v1/event_handlers', None, 200)
    e.api('GET', '/v1/event_handlers?target=imsi', None, 200)
    e.api('GET', '/v1/event_handlers?target=nobody', None, 400)
    e.api('GET', f'/v1/event_handlers/{hid}', None, 200)
    e.api('GET', '/v1/event_handlers/no-such-handler', None, 404)
    upd = json.loads(json.dumps(handler))
    upd['actionConfigList'][0]['properties']['headers'] = '{"X-Secret":"s"}'  # as the examples
    e.api('PUT', f'/v1/event_handlers/{hid}', dict(upd, description='updated'), 200)
    e.api('PUT', f'/v1/event_handlers/{hid}', {'name': 'x'}, 400)
    e.api('PUT', '/v1/event_handlers/no-such-handler', handler, 404)
    e.api('GET', f'/v1/event_handlers/subscribers/{a3}', None, 200)
    e.api('GET', '/v1/event_handlers/subscribers/001010000000000', None, 404)
    st, raw, _ = e.raw('POST', '/_emulator/traffic', {'imsi': a3, 'upload_bytes': 2 << 20,
                                                       'download_bytes': 1000})
    e.check_schema('/_emulator/traffic', json.loads(raw), 'Subscriber')
    if st != 200 or json.loads(raw).get('speedClass') != 's1.minimum':
        e.results['/_emulator/traffic'].append(f'{st}: daily handler did not slow {a3}: {raw[:200]!r}')
    e.api('GET', f'/v1/stats/air/subscribers/{a3}?from=0&to=4102444800&period=day', None, 200)
    e.api('GET', f'/v1/stats/air/subscribers/{a3}?from=0&to=4102444800&period=month', None, 200)
    e.api('GET', f'/v1/stats/air/subscribers/{a3}?from=0&to=1', None, 400)
    e.api('GET', '/v1/stats/air/subscribers/001010000000000?from=0&to=1&period=day', None, 404)
    e.api('DELETE', f'/v1/event_handlers/{h2["handlerId"]}', None, 204)
    e.api('DELETE', f'/v1/event_handlers/{h2["handlerId"]}', None, 404)
    e.api('POST', f'/v1/subscribers/{a3}/update_speed_class', {'speedClass': 's1.slow'}, 200)
    e.api('POST', f'/v1/subscribers/{a3}/update_speed_class', {'speedClass': 'u1.slow'}, 400)
    e.api('POST', '/v1/subscribers/001010000000000/update_speed_class', {'speedClass': 's1.slow'},
          404)
    e.api('POST', f'/v1/subscribers/{a3}/unset_group', None, 200)
    e.api('POST', f'/v1/subscribers/{a3}/unset_group', None, 404)
    e.api('DELETE', f'/v1/groups/{gid}', None, 204)
    e.api('DELETE', f'/v1/groups/{gid}', None, 404)
    e.api('POST', f'/v1/subscribers/{a4}/terminate', None, 400)
    e.api('POST', f'/v1/subscribers/{a4}/enable_termination', None, 200)
    e.api('POST', f'/v1/subscribers/{a4}/terminate', None, 200)
    e.api('POST', f'/v1/subscribers/{a3}/enable_termination', None, 200)
    e.api('POST', f'/v1/subscribers/{a3}/disable_termination', None, 200)
    e.api('GET', f'/v1/subscribers/{a4}/activate', None, 405)
    # orders
    _, q = e.api('POST', '/v1/orders', {'orderItemList': [{'productCode': '4573326590013',
                                                           'quantity': 3}],
                                        'shippingAddressId': 'addr-1'}, 201)
    oid = q['orderId']
    e.api('POST', '/v1/orders', {'orderItemList': 'x'}, 400)
    e.api('GET', f'/v1/orders/{oid}', None, 404)
    e.api('PUT', f'/v1/orders/{oid}/confirm', None, 200)
    e.api('PUT', f'/v1/orders/{oid}/confirm', None, 400)
    e.api('GET', f'/v1/orders/{oid}', None, 200)
    e.api('POST', f'/v1/orders/{oid}/subscribers/register', None, 400)
    e.api('POST', '/v1/sandbox/orders/ship', {'orderId': oid}, 400)
    e.api('POST', '/v1/sandbox/orders/ship', {'orderId': oid, 'operatorId': a['operatorId']}, 200)
    e.api('GET', f'/v1/orders/{oid}/subscribers?limit=2', None, 200)
    e.api('POST', f'/v1/orders/{oid}/subscribers/register', None, 204)
    e.api('GET', '/v1/orders', None, 200)
    # sandbox
    _, s = e.api('POST', '/v1/sandbox/subscribers/create', {'subscription': 'plan01s'}, 200)
    e.api('POST', f'/v1/subscribers/{s["imsi"]}/register',
          {'registrationSecret': s['registrationSecret'], 'tags': {'k': 'v'}}, 201)
    e.api('POST', f'/v1/subscribers/{s["imsi"]}/register', {}, 400)
    e.api('POST', '/v1/sandbox/init', {'email': 'x@example.com', 'password': 'p'}, 400)
    e.api('POST', '/v1/sandbox/init', {'email': 'x@example.com', 'password': 'p',
                                       'authKeyId': 'k', 'authKey': 's'}, 201)
    # faults and the rate limit answer in SORACOM's error shape too
    e.raw('POST', '/_emulator/fault', {'status': 500, 'count': 1})
    e.api('GET', f'/v1/subscribers/{a0}', None, 500)
    st, raw, _ = e.raw('GET', '/_emulator/state')
    state = json.loads(raw)
    for i, sub in enumerate(state['subscribers']):
        e.check_subscriber('/_emulator/state subscribers', sub)
    for grp in state['groups']:
        e.check_schema('/_emulator/state groups', grp, 'Group')
    for h in state['event_handlers']:
        e.check_schema('/_emulator/state event_handlers', h, 'EventHandlerModel')
    if not state['event_handlers']:
        e.results.setdefault('/_emulator/state event_handlers', []).append('none listed')
    problems = e.results.setdefault('/_emulator/state deliveries', [])
    if [d['handlerId'] for d in state['deliveries']] != [hid]:
        problems.append(f'expected one delivery of {hid}: {state["deliveries"]}')


IMPLEMENTED = [
    'auth', 'listSubscribers', 'getSubscriber', 'putSubscriberTags', 'deleteSubscriberTag',
    'setImeiLock', 'unsetImeiLock', 'setSubscriberToStandby', 'deleteSubscriberSession',
    'activateSubscriber', 'deactivateSubscriber', 'suspendSubscriber', 'terminateSubscriber',
    'enableTermination', 'disableTermination', 'setGroup', 'unsetGroup', 'registerSubscriber',
    'createQuotation', 'confirmOrder', 'getOrder', 'listOrders', 'listOrderedSubscribers',
    'registerOrderedSim', 'sandboxInitializeOperator', 'sandboxCreateSubscriber',
    'sandboxShipOrder', 'createGroup', 'listGroups', 'getGroup', 'putGroupTags',
    'deleteGroupTag', 'putConfigurationParameters', 'deleteConfigurationParameter', 'deleteGroup',
    'listSubscribersInGroup', 'updateSpeedClass', 'createEventHandler', 'listEventHandlers',
    'getEventHandler', 'updateEventHandler', 'deleteEventHandler', 'listEventHandlersBySubscriber',
    'getAirStats',
]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        e = Emulator(tmp)
        try:
            drive(e)
        finally:
            e.stop()
    checks = []
    for op in IMPLEMENTED:
        probs = e.results.get(op)
        if probs is None:
            checks.append((f'{op}: exercised', ['never called']))
            continue
        ok2xx = any(200 <= s < 300 for s in e.statuses[op])
        checks.append((f'{op}: answers match the spec (statuses {sorted(e.statuses[op])})',
                       probs + ([] if ok2xx else ['no successful call'])))
    for label, probs in e.results.items():
        if label not in IMPLEMENTED:
            checks.append((f'{label}: matches the spec', probs))
    print(f'1..{len(checks)}')
    failed = 0
    for n, (name, probs) in enumerate(checks, 1):
        print(f'{"not ok" if probs else "ok"} {n} - {name}')
        for p in probs[:20]:
            print(f'# {p}')
        failed += bool(probs)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
