/** `products list`, `workflows list|show`, `refs list`: what can be built, and from where. */
import type { CiWorkflow, ScmGitReference } from '../../client/index.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, noPositionals, onePositional, parseCommand } from '../client-command.ts';
import { formatDate, printList, table } from '../output.ts';
import { resolveProduct, resolveRepository, resolveWorkflow } from '../resolve.ts';

export async function productsList(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  noPositionals(positionals);
  const { client, out } = createContext(values);
  const products = await client.listProducts({ limit: 200 }).all();
  printList(
    out,
    products,
    ['NAME', 'TYPE', 'CREATED', 'ID'],
    (p) => [
      p.attributes?.name ?? '',
      p.attributes?.productType ?? '',
      formatDate(p.attributes?.createdDate),
      p.id,
    ],
    'no products',
  );
  return 0;
}

export async function workflowsList(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { product: { type: 'string' } });
  noPositionals(positionals);
  const { client, out } = createContext(values);
  const products = values.product
    ? [await resolveProduct(client, values.product)]
    : await client.listProducts({ limit: 200 }).all();
  const rows: { id: string; product: string; workflow: CiWorkflow }[] = [];
  for (const product of products) {
    for await (const workflow of client.listWorkflows(product.id, { limit: 200 })) {
      rows.push({ id: workflow.id, product: product.attributes?.name ?? product.id, workflow });
    }
  }
  if (out.json) {
    out.line(
      JSON.stringify(
        rows.map((r) => r.workflow),
        null,
        2,
      ),
    );
    return 0;
  }
  printList(
    out,
    rows,
    ['PRODUCT', 'NAME', 'ENABLED', 'ACTIONS', 'ID'],
    ({ product, workflow: w }) => [
      product,
      w.attributes?.name ?? '',
      w.attributes?.isEnabled ? 'yes' : 'no',
      (w.attributes?.actions ?? []).map((a) => a.name).join(', '),
      w.id,
    ],
    'no workflows',
  );
  return 0;
}

export async function workflowsShow(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { product: { type: 'string' } });
  const name = onePositional(positionals, 'workflow name or id');
  const { client, out } = createContext(values);
  const { workflow } = await resolveWorkflow(client, name, values.product);
  const doc = await client.getWorkflow(workflow.id, { include: ['product', 'repository'] });
  if (out.json) return (out.line(JSON.stringify(doc, null, 2)), 0);
  if (out.quiet) return (out.line(doc.data.id), 0);

  const a = doc.data.attributes ?? {};
  const included = (type: string) => doc.included?.find((r) => r.type === type) as any;
  const product = included('ciProducts');
  const repository = included('scmRepositories');
  const conditions = [
    ['branch', a.branchStartCondition],
    ['tag', a.tagStartCondition],
    ['pull request', a.pullRequestStartCondition],
    ['schedule', a.scheduledStartCondition],
    ['manual branch', a.manualBranchStartCondition],
    ['manual tag', a.manualTagStartCondition],
    ['manual pull request', a.manualPullRequestStartCondition],
  ]
    .filter(([, c]) => c)
    .map(([n]) => n);
  out.line(
    table(
      ['WORKFLOW', a.name ?? ''],
      [
        ['id', doc.data.id],
        ['product', product ? `${product.attributes?.name} (${product.id})` : '-'],
        ['repository', repository ? `${repositoryName(repository)} (${repository.id})` : '-'],
        ['description', a.description || '-'],
        ['enabled', a.isEnabled ? 'yes' : 'no'],
        ['clean builds', a.clean ? 'yes' : 'no'],
        ['container', a.containerFilePath ?? '-'],
        ['starts on', conditions.join(', ') || 'nothing'],
        ['modified', formatDate(a.lastModifiedDate)],
      ],
    ),
  );
  out.line();
  out.line(
    table(
      ['ACTION', 'TYPE', 'PLATFORM', 'SCHEME', 'REQUIRED'],
      (a.actions ?? []).map((x) => [
        x.name ?? '',
        x.actionType ?? '',
        x.platform ?? '-',
        x.scheme ?? '-',
        x.isRequiredToPass ? 'yes' : 'no',
      ]),
    ),
  );
  return 0;
}

function repositoryName(repository: {
  attributes?: { ownerName?: string | null; repositoryName?: string | null } | null;
}): string {
  const a = repository.attributes;
  return [a?.ownerName, a?.repositoryName].filter(Boolean).join('/');
}

export async function refsList(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    repository: { type: 'string' },
    workflow: { type: 'string' },
    product: { type: 'string' },
    all: { type: 'boolean' },
  });
  noPositionals(positionals);
  if (!values.repository === !values.workflow) {
    throw new UsageError('give --repository ID|NAME or --workflow NAME|ID');
  }
  const { client, out } = createContext(values);
  const repositoryId = values.repository
    ? (await resolveRepository(client, values.repository)).id
    : (
        await client.getWorkflowRepository(
          (await resolveWorkflow(client, values.workflow!, values.product)).workflow.id,
        )
      ).data.id;
  const refs = (await client.listGitReferences(repositoryId, { limit: 200 }).all()).filter(
    (r) => values.all || !r.attributes?.isDeleted,
  );
  const headers = ['KIND', 'NAME', 'CANONICAL NAME', ...(values.all ? ['DELETED'] : []), 'ID'];
  printList(
    out,
    refs,
    headers,
    (r: ScmGitReference) => [
      r.attributes?.kind ?? '',
      r.attributes?.name ?? '',
      r.attributes?.canonicalName ?? '',
      ...(values.all ? [r.attributes?.isDeleted ? 'yes' : 'no'] : []),
      r.id,
    ],
    'no branches or tags',
  );
  return 0;
}
