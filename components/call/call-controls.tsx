'use client';

import { Button } from '@/components/ui/button';
import { LeaveIcon } from '@/components/ui/icons';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { MediaToggles } from './media-toggles';

export function CallControls() {
  const controller = useCallController();
  return (
    <nav aria-label="Call controls" className="flex items-center justify-center gap-3 p-3 sm:p-4">
      <MediaToggles />
      <Button
        variant="danger"
        className="h-12 rounded-full px-5"
        onClick={() => controller.leave()}
        title="Leave the call"
      >
        <LeaveIcon />
        <span>Leave</span>
      </Button>
    </nav>
  );
}
