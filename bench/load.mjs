// The load generator, run as a child process so that it does not share the server's event
// loop: one autocannon run described by argv[2] (JSON), answered on stdout as JSON with the
// generator's own CPU time, so that its share of the two cores can be reported.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const cpuBefore = process.cpuUsage();
const result = await autocannon(options);
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({
    requests: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    durationSeconds: result.duration,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
