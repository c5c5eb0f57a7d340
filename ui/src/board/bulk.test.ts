import { describe, expect, it } from 'vitest';
import { outcomeLines, sameForAll, stillSelected } from './bulk';

describe('bulk outcome', () => {
  it('gives every incident a line, naming each refusal', () => {
    const lines = outcomeLines(
      [1, 2, 3],
      [
        { incident: 2, ok: false, error: { code: 'already_resolved', message: 'INC-2 is resolved' } },
        { incident: 1, ok: true, error: null },
      ],
    );
    expect(lines).toEqual([
      { incident: 1, ok: true, refusal: null },
      { incident: 2, ok: false, refusal: 'already_resolved: INC-2 is resolved' },
      { incident: 3, ok: false, refusal: 'no answer for this incident' },
    ]);
  });

  it('names who came first when another operator acknowledged the incident already', () => {
    const [line] = outcomeLines([4], [{ incident: 4, ok: false, error: { code: 'already_acknowledged', message: 'incident 4 was already acknowledged by li.wei', by: 'li.wei' } }]);
    expect(line?.refusal).toBe('Already acknowledged by li.wei');
  });

  it('keeps what was not done selected', () => {
    const lines = [
      { incident: 1, ok: true, refusal: null },
      { incident: 2, ok: false, refusal: 'x' },
    ];
    expect(stillSelected([2, 1, 5], lines)).toEqual([2, 5]);
    expect(sameForAll([4, 5], 'conflict: no')).toEqual([
      { incident: 4, ok: false, refusal: 'conflict: no' },
      { incident: 5, ok: false, refusal: 'conflict: no' },
    ]);
  });
});
