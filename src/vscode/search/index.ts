/**
 * The search feature: "Search Values…" on a connection or prefix (or the palette) asks for a query —
 * text, /regex/, field matches — and streams the matching keys into the Search Results view, with
 * progress and Stop; a match opens the key with the matched text selected.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';
import { SearchResultsProvider } from './searchResults';

export const SEARCH_VIEW = 'etcdStudio.searchResults';

/**
 * The Search Results view and its commands, whose code (searchCommands.ts: the query parser, grep, the
 * value codec) loads on first use; returns the view's provider (the extension API hands it to tests).
 */
export function register(s: Services): SearchResultsProvider {
  const results = new SearchResultsProvider();
  const view = vscode.window.createTreeView(SEARCH_VIEW, { treeDataProvider: results, showCollapseAll: true });
  s.ctx.subscriptions.push(view);
  s.deferCommands([CommandIds.searchValues, CommandIds.stopSearch, CommandIds.removeSearch, CommandIds.openSearchMatch], async () => {
    const { registerCommands } = await import('./searchCommands');
    return (services) => registerCommands(services, results);
  });
  return results;
}
